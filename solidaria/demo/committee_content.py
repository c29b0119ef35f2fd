"""The demo's international committee for the worker-recovered cooperatives: its
text, the ways members help, a few dozen members in many countries and two
proposals, one open for support and one accepted that became an event.

Written in our own words from the seed's facts. People, groups and addresses are
invented; example.org addresses never receive mail. Dates are counted from the
day the demo is loaded."""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

COMMITTEE: dict[str, Any] = {
    "slug": "self-management-argentina",
    "campaign": "recovered-workplaces-solidarity",
    "organisation": "international-committee-for-solidarity-with-self-management-in-argentina",
    "name": {
        "es": "Comité Internacional de Solidaridad con la Autogestión en Argentina",
        "en": "International Committee for Solidarity with Self-Management in Argentina",
        "de": "Internationales Komitee für Solidarität mit der Selbstverwaltung in Argentinien",
        "pt": "Comitê Internacional de Solidariedade com a Autogestão na Argentina",
        "fr": "Comité international de solidarité avec l'autogestion en Argentine",
    },
    "description": {
        "es": (
            "Somos personas y grupos de muchos países que acompañamos a las cooperativas "
            "argentinas gestionadas por sus trabajadores. Casi todas eran empresas que sus "
            "dueños dejaron caer; quienes trabajaban en ellas las pusieron de nuevo en marcha "
            "y las sostienen sin patrones. Sumate: contanos qué idiomas hablás y en qué podés "
            "ayudar, y después proponé acciones o apoyá las que proponen otras personas."
        ),
        "en": (
            "We are people and groups from many countries who stand with Argentina's "
            "worker-run cooperatives. Most of them were firms their owners let go under; the "
            "people who worked there started them up again and have kept them going without "
            "bosses. Join us: tell us which languages you speak and how you can help, then "
            "propose actions or back the ones others propose."
        ),
        "de": (
            "Wir sind Menschen und Gruppen aus vielen Ländern, die an der Seite der "
            "argentinischen Kooperativen in Belegschaftshand stehen. Die meisten waren "
            "Betriebe, die ihre Eigentümer fallen ließen; die Beschäftigten haben sie wieder "
            "in Gang gesetzt und führen sie ohne Chefs weiter. Mach mit: Sag uns, welche "
            "Sprachen du sprichst und wobei du helfen kannst, und schlag dann Aktionen vor "
            "oder unterstütze die Vorschläge anderer."
        ),
        "pt": (
            "Somos pessoas e grupos de muitos países que apoiam as cooperativas argentinas "
            "geridas pelos próprios trabalhadores. Quase todas eram empresas que os donos "
            "deixaram afundar; quem trabalhava nelas voltou a pô-las para funcionar e as "
            "mantém sem patrões. Participe: conte quais idiomas você fala e como pode ajudar, "
            "e depois proponha ações ou apoie as que outras pessoas propõem."
        ),
        "fr": (
            "Nous sommes des personnes et des groupes de nombreux pays aux côtés des "
            "coopératives argentines gérées par leurs travailleurs. La plupart étaient des "
            "entreprises que leurs propriétaires ont laissé couler ; celles et ceux qui y "
            "travaillaient les ont relancées et les font tourner sans patrons. Rejoignez-nous : "
            "dites-nous quelles langues vous parlez et comment vous pouvez aider, puis proposez "
            "des actions ou soutenez celles des autres."
        ),
    },
    "aims": {
        "es": (
            "- Dar a conocer fuera de Argentina lo que atraviesan las empresas recuperadas.\n"
            "- Organizar acciones y campañas solidarias en nuestros países.\n"
            "- Encontrar compradores y distribuidores para lo que producen las cooperativas, "
            "para que su trabajo se vea y se pague.\n"
            "- Difundir el ejemplo de producir sin patrones."
        ),
        "en": (
            "- Make what the recovered workplaces are going through known outside Argentina.\n"
            "- Organise solidarity actions and campaigns in our own countries.\n"
            "- Find buyers and distributors for what the cooperatives make, so that their work "
            "is seen and paid for.\n"
            "- Spread the example of producing without bosses."
        ),
        "de": (
            "- Außerhalb Argentiniens bekannt machen, was die übernommenen Betriebe "
            "durchmachen.\n"
            "- Solidaritätsaktionen und Kampagnen in unseren Ländern organisieren.\n"
            "- Käufer und Vertriebswege für die Produkte der Kooperativen finden, damit ihre "
            "Arbeit gesehen und bezahlt wird.\n"
            "- Das Beispiel einer Produktion ohne Chefs weitertragen."
        ),
        "pt": (
            "- Dar a conhecer fora da Argentina o que as empresas recuperadas estão vivendo.\n"
            "- Organizar ações e campanhas de solidariedade em nossos países.\n"
            "- Encontrar compradores e distribuidores para o que as cooperativas produzem, para "
            "que seu trabalho seja visto e pago.\n"
            "- Difundir o exemplo de produzir sem patrões."
        ),
        "fr": (
            "- Faire connaître hors d'Argentine ce que traversent les entreprises récupérées.\n"
            "- Organiser des actions et des campagnes de solidarité dans nos pays.\n"
            "- Trouver des acheteurs et des distributeurs pour ce que produisent les "
            "coopératives, afin que leur travail soit vu et payé.\n"
            "- Diffuser l'exemple d'une production sans patrons."
        ),
    },
}

# key, label per language; listed in this order on the join form.
SKILLS: list[tuple[str, dict[str, str]]] = [
    (
        "translation",
        {
            "es": "Traducción",
            "en": "Translation",
            "de": "Übersetzung",
            "pt": "Tradução",
            "fr": "Traduction",
        },
    ),
    (
        "legal",
        {
            "es": "Apoyo legal",
            "en": "Legal support",
            "de": "Rechtliche Unterstützung",
            "pt": "Apoio jurídico",
            "fr": "Soutien juridique",
        },
    ),
    (
        "events",
        {
            "es": "Organizar eventos",
            "en": "Organising events",
            "de": "Veranstaltungen organisieren",
            "pt": "Organizar eventos",
            "fr": "Organiser des événements",
        },
    ),
    (
        "media",
        {
            "es": "Comunicación y diseño",
            "en": "Media and design",
            "de": "Medien und Gestaltung",
            "pt": "Comunicação e design",
            "fr": "Communication et graphisme",
        },
    ),
    (
        "products",
        {
            "es": "Comprar y distribuir productos",
            "en": "Buying and distributing products",
            "de": "Produkte einkaufen und vertreiben",
            "pt": "Comprar e distribuir produtos",
            "fr": "Acheter et distribuer des produits",
        },
    ),
    (
        "fundraising",
        {
            "es": "Recaudar fondos",
            "en": "Fundraising",
            "de": "Spenden sammeln",
            "pt": "Arrecadar fundos",
            "fr": "Collecte de fonds",
        },
    ),
    (
        "speaking",
        {
            "es": "Hablar en público",
            "en": "Speaking",
            "de": "Öffentlich sprechen",
            "pt": "Falar em público",
            "fr": "Prendre la parole",
        },
    ),
]

# name, email, country, city, languages spoken, skills, organisation, listed,
# agrees to hear from the committee's organisation, site language, joined days ago
MEMBERS: list[tuple[str, str, str, str, list[str], list[str], str, bool, bool, str, int]] = [
    ("Jonas Brenner", "jonas.brenner@example.org", "DE", "Berlin", ["de", "en", "es"],
     ["products", "events"], "Kiezladen Solidarisch", True, True, "de", 41),
    ("Meike Albers", "meike.albers@example.org", "DE", "Hamburg", ["de", "en"],
     ["translation"], "", True, True, "de", 38),
    ("Tobias Wendt", "tobias.wendt@example.org", "DE", "Leipzig", ["de"],
     ["media"], "", False, False, "de", 35),
    ("Selin Kaya", "selin.kaya@example.org", "DE", "Berlin", ["de", "tr", "en"],
     ["events", "speaking"], "", False, True, "de", 30),
    ("Friederike Haas", "friederike.haas@example.org", "DE", "Köln", ["de", "fr"],
     ["legal"], "", False, False, "de", 22),
    ("Paul Reinhardt", "paul.reinhardt@example.org", "DE", "Berlin", ["de", "en"],
     ["products", "fundraising"], "", False, True, "en", 9),
    ("Nuria Castells", "nuria.castells@example.org", "ES", "Barcelona", ["ca", "es", "en"],
     ["translation", "media"], "Xarxa de Consum Cooperatiu", True, True, "es", 40),
    ("Iker Etxeberria", "iker.etxeberria@example.org", "ES", "Bilbao", ["eu", "es"],
     ["events"], "", False, False, "es", 33),
    ("Lorena Vidal", "lorena.vidal@example.org", "ES", "Madrid", ["es", "en", "fr"],
     ["speaking", "events"], "", True, True, "es", 27),
    ("Andrés Molina", "andres.molina@example.org", "ES", "Sevilla", ["es"],
     ["products"], "", False, False, "es", 12),
    ("Valeria Quispe", "valeria.quispe@example.org", "AR", "Buenos Aires", ["es", "qu"],
     ["speaking", "translation"], "", True, True, "es", 42),
    ("Gustavo Ibarra", "gustavo.ibarra@example.org", "AR", "Rosario", ["es"],
     ["speaking"], "", False, False, "es", 36),
    ("Mariela Ponce", "mariela.ponce@example.org", "AR", "Córdoba", ["es", "pt"],
     ["legal"], "", False, True, "es", 29),
    ("Hernán Aguirre", "hernan.aguirre@example.org", "AR", "Mar del Plata", ["es", "en"],
     ["media", "events"], "", True, False, "es", 18),
    ("Rocío Benítez", "rocio.benitez@example.org", "AR", "Buenos Aires", ["es", "gn"],
     ["fundraising"], "", False, True, "es", 5),
    ("Élodie Marchand", "elodie.marchand@example.org", "FR", "Lyon", ["fr", "es"],
     ["translation", "events"], "Collectif Sans Patron Lyon", True, True, "fr", 39),
    ("Yanis Benali", "yanis.benali@example.org", "FR", "Marseille", ["fr", "ar"],
     ["speaking"], "", False, False, "fr", 24),
    ("Claire Dufour", "claire.dufour@example.org", "FR", "Paris", ["fr", "en"],
     ["legal", "fundraising"], "", False, True, "fr", 14),
    ("Thiago Moura", "thiago.moura@example.org", "BR", "Porto Alegre", ["pt", "es"],
     ["products", "events"], "Rede de Consumo Justo", True, True, "pt", 37),
    ("Luana Ribeiro", "luana.ribeiro@example.org", "BR", "São Paulo", ["pt", "en"],
     ["media"], "", False, False, "pt", 26),
    ("Caio Fernandes", "caio.fernandes@example.org", "BR", "Recife", ["pt"],
     ["speaking"], "", False, True, "pt", 8),
    ("Giulia Ferraro", "giulia.ferraro@example.org", "IT", "Bologna", ["it", "es", "en"],
     ["translation", "products"], "", True, True, "en", 34),
    ("Marco Rinaldi", "marco.rinaldi@example.org", "IT", "Milano", ["it"],
     ["events"], "", False, False, "en", 20),
    ("Chiara Esposito", "chiara.esposito@example.org", "IT", "Napoli", ["it", "fr"],
     ["fundraising"], "", False, True, "fr", 11),
    ("Owen Hughes", "owen.hughes@example.org", "GB", "Cardiff", ["en"],
     ["legal", "speaking"], "", False, True, "en", 31),
    ("Priya Nair", "priya.nair@example.org", "GB", "Manchester", ["en", "hi"],
     ["media", "fundraising"], "", True, False, "en", 16),
    ("Dana Kowalczyk", "dana.kowalczyk@example.org", "US", "Chicago", ["en", "pl"],
     ["products"], "", False, True, "en", 28),
    ("Marcus Reed", "marcus.reed@example.org", "US", "Oakland", ["en", "es"],
     ["events", "speaking"], "", False, False, "en", 7),
    ("Sofía Olivera", "sofia.olivera@example.org", "UY", "Montevideo", ["es", "pt"],
     ["translation", "legal"], "", True, True, "es", 32),
    ("Matías Cabrera", "matias.cabrera@example.org", "UY", "Paysandú", ["es"],
     ["products"], "", False, False, "es", 15),
    ("Lena Gruber", "lena.gruber@example.org", "AT", "Wien", ["de", "en"],
     ["fundraising", "translation"], "", False, True, "de", 21),
    ("Sem de Vries", "sem.devries@example.org", "NL", "Utrecht", ["nl", "en", "de"],
     ["media"], "", False, False, "en", 10),
]  # fmt: skip

# The first proposal, by the Berlin member who runs a neighbourhood shop: open for
# support, with some supporters and a comment.
STALL: dict[str, Any] = {
    "author": "jonas.brenner@example.org",
    "title": "A stall with the cooperatives' products at a Berlin street festival",
    "description": (
        "Our neighbourhood festival in Berlin takes over a few streets for a whole weekend "
        "and draws thousands of people. We can have a stall there for free. I would like "
        "to sell yerba mate, preserves and textiles made by recovered cooperatives, with "
        "leaflets in German, English and Spanish about how the workers took their "
        "workplaces back and what they face today.\n\n"
        "What we need: people to staff the stall in shifts, someone to order and bring in "
        "the products, and help with the leaflets and a banner. What is earned goes back "
        "to the cooperatives."
    ),
    "kind": "products",
    "country": "DE",
    "city": "Berlin",
    "days_from_now": 45,
    "language": "en",
    "supporters": [
        "meike.albers@example.org",
        "selin.kaya@example.org",
        "paul.reinhardt@example.org",
        "lena.gruber@example.org",
        "giulia.ferraro@example.org",
        "thiago.moura@example.org",
        "valeria.quispe@example.org",
    ],
    "comments": [
        (
            "paul.reinhardt@example.org",
            "I can take the Saturday afternoon shift and bring a cargo bike for the boxes.",
        ),
        (
            "valeria.quispe@example.org",
            "From Buenos Aires we can send short videos from two of the cooperatives to "
            "show at the stall.",
        ),
    ],
}

# The second, by a member in Madrid: accepted, and made a draft event of the campaign.
TOUR: dict[str, Any] = {
    "author": "lorena.vidal@example.org",
    "title": "Gira de charlas con trabajadoras y trabajadores de una fábrica recuperada",
    "description": (
        "Proponemos invitar a dos personas de una fábrica recuperada para una gira de "
        "charlas por varias ciudades europeas: Madrid, Barcelona, Lyon y Berlín. Contarían "
        "cómo recuperaron su lugar de trabajo, cómo deciden en asamblea y cómo les afecta "
        "la crisis actual.\n\n"
        "Cada ciudad pondría el local, la difusión y el alojamiento; el comité ayudaría con "
        "los pasajes, la traducción y un fondo común para los gastos."
    ),
    "kind": "event",
    "country": "ES",
    "city": "Madrid",
    "days_from_now": 75,
    "language": "es",
    "supporters": [
        "nuria.castells@example.org",
        "elodie.marchand@example.org",
        "jonas.brenner@example.org",
        "gustavo.ibarra@example.org",
    ],
    "comments": [],
    "accepted_because": (
        "Sí: empezamos a organizarla. El borrador del primer encuentro ya está en la campaña."
    ),
}
