"""Fictional people for the demo: they register for the panel and give to the fund,
so that the organisers' list of people has someone in it. Names and addresses are
invented; example.org addresses never receive mail."""

PEOPLE = [
    # name, email, language, guests at the panel, consents, gift in cents (0: none)
    ("Lucía Ferreyra", "lucia.ferreyra@example.org", "es", 0, True, 2500),
    ("Martín Sosa", "martin.sosa@example.org", "es", 1, False, 0),
    ("Hannah Vogel", "hannah.vogel@example.org", "de", 0, True, 5000),
    ("Camille Roux", "camille.roux@example.org", "fr", 0, False, 1500),
    ("João Pereira", "joao.pereira@example.org", "pt", 2, True, 0),
    ("Ruth Adeyemi", "ruth.adeyemi@example.org", "en", 0, True, 10000),
    ("Diego Quiroga", "diego.quiroga@example.org", "es", 0, False, 0),
    ("Ana Lima", "ana.lima@example.org", "pt", 0, True, 3000),
]
