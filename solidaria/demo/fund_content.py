"""The demo defense fund, written in our own words from the seed facts.

Amounts, dates and expenses are invented for the demo; the bank details are
placeholders that no bank would accept."""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

FUNDS: list[dict[str, Any]] = [
    {
        "campaign": "against-repression-argentina",
        "slug": "defense-fund",
        "goal": 2_000_000,  # cents of the goal currency
        "goal_currency": "USD",
        "title": {
            "es": "Fondo de defensa legal para activistas procesados",
            "en": "Legal defense fund for prosecuted activists",
            "pt": "Fundo de defesa jurídica para ativistas processados",
            "fr": "Fonds de défense juridique pour les militant·es poursuivi·es",
            "de": "Rechtshilfefonds für angeklagte Aktivist·innen",
        },
        "purpose": {
            "es": (
                "Quienes organizan comedores y cooperativas en los barrios enfrentan causas "
                "penales por protestar. Este fondo paga abogadas y abogados, fianzas y los "
                "viajes a las audiencias.\n\nCada peso que entra y cada gasto figuran en el "
                "libro de cuentas público; no publicamos los nombres de donantes ni de las "
                "personas defendidas."
            ),
            "en": (
                "People who run soup kitchens and cooperatives in working-class neighbourhoods "
                "face criminal cases for protesting. This fund pays for lawyers, bail and "
                "travel to hearings.\n\nEvery gift that arrives and every expense is in the "
                "public ledger; we never publish the names of donors or of the people defended."
            ),
            "pt": (
                "Quem organiza refeitórios e cooperativas nos bairros enfrenta processos por "
                "protestar. Este fundo paga advogados, fianças e viagens às audiências.\n\n"
                "Cada doação recebida e cada despesa estão no livro-caixa público; nunca "
                "publicamos os nomes de doadores nem das pessoas defendidas."
            ),
            "fr": (
                "Celles et ceux qui font vivre des cantines et des coopératives dans les "
                "quartiers populaires sont poursuivis pour avoir manifesté. Ce fonds paie les "
                "avocat·es, les cautions et les trajets vers les audiences.\n\nChaque don reçu "
                "et chaque dépense figurent dans le registre public ; nous ne publions jamais "
                "les noms des donateurs ni des personnes défendues."
            ),
            "de": (
                "Wer in den Armenvierteln Suppenküchen und Kooperativen organisiert, wird für "
                "Proteste strafrechtlich verfolgt. Dieser Fonds bezahlt Anwält·innen, "
                "Kautionen und Reisen zu den Anhörungen.\n\nJede eingegangene Spende und jede "
                "Ausgabe steht im öffentlichen Kassenbuch; Namen von Spender·innen und "
                "Verteidigten veröffentlichen wir nie."
            ),
        },
        "bank_details": {
            "es": (
                "Titular: Comité de Solidaridad (cuenta de ejemplo)\n"
                "CBU: 0000000000000000000000 · Alias: EJEMPLO.DEMO.FONDO"
            ),
            "en": (
                "Account holder: Solidarity Committee (example account)\n"
                "IBAN: XX00 0000 0000 0000 0000 00 · BIC: EXAMPLEXXX"
            ),
        },
        "rates": {"ARS": "0.00085", "EUR": "1.08", "BRL": "0.18", "GBP": "1.27"},
        # (days ago, currency, whole amount, method) of gifts already received
        "gifts": [
            (45, "USD", 1500, "bank"),
            (40, "USD", 100, "bank"),
            (33, "ARS", 50000, "bank"),
            (21, "EUR", 250, "bank"),
            (12, "GBP", 40, "bank"),
            (5, "USD", 25, "bank"),
        ],
        # (days ago, category, whole amount in USD, description)
        "expenses": [
            (
                30,
                "legal_fees",
                800,
                {
                    "es": "Honorarios de la defensa, primera audiencia",
                    "en": "Defense lawyers' fees, first hearing",
                },
            ),
            (
                14,
                "travel",
                120,
                {
                    "es": "Pasajes a los tribunales federales",
                    "en": "Bus fares to the federal courts",
                },
            ),
        ],
    }
]
