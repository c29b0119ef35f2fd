"""Demo petitions and open letters, written in our own words from the seed facts."""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

PETITIONS: list[dict[str, Any]] = [
    {
        "campaign": "against-repression-argentina",
        "slug": "drop-the-charges",
        "kind": "petition",
        "goal": 10000,
        "title": {
            "es": "Retiren los cargos contra quienes protestan",
            "en": "Drop the charges against the protesters",
            "pt": "Retirem as acusações contra quem protesta",
            "fr": "Abandonnez les poursuites contre les manifestant·es",
            "de": "Lassen Sie die Anklagen gegen die Protestierenden fallen",
        },
        "target": {
            "es": "El Poder Judicial y el Gobierno de la Nación Argentina",
            "en": "The judiciary and the national government of Argentina",
            "pt": "O Poder Judiciário e o governo nacional da Argentina",
            "fr": "Le pouvoir judiciaire et le gouvernement national argentin",
            "de": "Die Justiz und die Regierung Argentiniens",
        },
        "text": {
            "es": (
                "Protestar no es un delito. Pedimos que se retiren las causas por "
                "«sedición» y «terrorismo» abiertas contra manifestantes, que se libere "
                "a quienes siguen detenidos y que terminen los allanamientos a comedores "
                "populares.\n\nExigimos que se respete el derecho a organizarse en los barrios."
            ),
            "en": (
                'Protest is not a crime. We ask that the "sedition" and "terrorism" cases '
                "against demonstrators be dropped, that those still held be released, and that "
                "the raids on community soup kitchens stop.\n\nWe demand respect for the right to "
                "organise in working-class neighbourhoods."
            ),
            "pt": (
                'Protestar não é crime. Pedimos o arquivamento dos processos por "sedição" e '
                '"terrorismo" contra manifestantes, a libertação de quem continua preso e o fim '
                "das batidas nas cozinhas comunitárias."
            ),
            "fr": (
                "Manifester n'est pas un crime. Nous demandons l'abandon des poursuites pour "
                "« sédition » et « terrorisme », la libération des personnes encore détenues et "
                "la fin des perquisitions dans les cantines populaires."
            ),
            "de": (
                "Protest ist kein Verbrechen. Wir fordern die Einstellung der Verfahren wegen "
                "„Aufruhr“ und „Terrorismus“, die Freilassung der noch Inhaftierten und ein Ende "
                "der Durchsuchungen von Volksküchen."
            ),
        },
        "next_action_label": {
            "es": "Lee la campaña completa",
            "en": "Read the whole campaign",
            "pt": "Leia a campanha completa",
            "fr": "Lire toute la campagne",
            "de": "Die ganze Kampagne lesen",
        },
        "organisations": [],
    },
    {
        "campaign": "defend-argentine-democracy",
        "slug": "we-the-undersigned",
        "kind": "open_letter",
        "goal": 100,
        "title": {
            "es": "Carta abierta: defendamos la democracia argentina",
            "en": "Open letter: defend Argentine democracy",
            "pt": "Carta aberta: defender a democracia argentina",
            "fr": "Lettre ouverte : défendre la démocratie argentine",
            "de": "Offener Brief: Die argentinische Demokratie verteidigen",
        },
        "target": {
            "es": "Todas las fuerzas democráticas",
            "en": "All democratic forces",
            "pt": "Todas as forças democráticas",
            "fr": "Toutes les forces démocratiques",
            "de": "Alle demokratischen Kräfte",
        },
        "text": {
            "es": (
                "Las organizaciones firmantes llamamos a responder a la amenaza que representan "
                "Javier Milei, La Libertad Avanza y sus aliados, y a defender los derechos "
                "conquistados desde el fin de la dictadura hace cuarenta años."
            ),
            "en": (
                "We, the organisations signing below, call for a response to the threat posed by "
                "Javier Milei, La Libertad Avanza and their allies, and for the defence of the "
                "rights won since the end of the dictatorship forty years ago."
            ),
            "pt": (
                "Nós, as organizações signatárias, chamamos a responder à ameaça de Javier Milei, "
                "da La Libertad Avanza e dos seus aliados, e a defender os direitos conquistados "
                "desde o fim da ditadura há quarenta anos."
            ),
            "fr": (
                "Nous, organisations signataires, appelons à répondre à la menace que "
                "représentent Javier Milei, La Libertad Avanza et leurs alliés, et à défendre "
                "les droits conquis depuis la fin de la dictature il y a quarante ans."
            ),
            "de": (
                "Wir, die unterzeichnenden Organisationen, rufen dazu auf, der Bedrohung durch "
                "Javier Milei, La Libertad Avanza und ihre Verbündeten zu begegnen und die "
                "seit dem Ende der Diktatur vor vierzig Jahren erkämpften Rechte zu verteidigen."
            ),
        },
        "next_action_label": {},
        # Every signatory of the letter, approved, from the demo organisations.
        "organisations": "campaign-partners-and-owner",
        # Two of them with a logo, so that the list shows one: initials on a tile, drawn
        # by the loader (not these organisations' real logos).
    },
]
