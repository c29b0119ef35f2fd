"""The demo's directory of worker-recovered cooperatives, their products, and an open
buying round in Germany.

Written in our own words. The first seven are real cooperatives named in public
reporting; of them we state only their sector, place, the year their workers took
them over and what they make, and leave the number of workers empty (not shown)
because the figures we know may be out of date. Their products' prices, weights and
sizes are made up for the demo. The others are invented, marked `is_example` (every
page says so), and so is everything about them, including the reduced activity and
the closure. Coordinates come from the gazetteer by city when loading, except where
typed here (towns it does not know).

The round is run by the German group the committee gives as its German contact,
with invented pickup points and example bank details. Dates are counted from the
day the demo is loaded."""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

# Who keeps the directory's entries: the committee's organisation (content.py).
KEPT_BY = "international-committee-for-solidarity-with-self-management-in-argentina"

# The seed gives this address for German speakers; the group runs the round.
GERMAN_GROUP: dict[str, Any] = {
    "slug": "gruppe-arbeitszeit",
    "name": "Gruppe Arbeitszeit",
    "country": "DE",
    "region": "",
    "website": "",
    "languages": ["de", "en", "es"],
    "contacts": {"de": "gruppe_arbeitszeit@riseup.net"},
}

T_SHIRT_SIZES = [{"es": size, "en": size, "de": size} for size in ("S", "M", "L", "XL")]
SOCK_SIZES = [{"es": size, "en": size, "de": size} for size in ("35–38", "39–42", "43–46")]

# A product's "round": its price in the round (euro cents) and, if limited, how many.
COOPERATIVES: list[dict[str, Any]] = [
    {
        "slug": "fasinpat-zanon",
        "name": "FaSinPat (ex Zanon)",
        "legal_form": "worker_coop",
        "sector": "industry",
        "city": "Neuquén",
        "province": "AR-Q",
        "year_recovered": 2002,
        "languages": ["es"],
        "story": {
            "es": (
                "En 2001 los dueños de la fábrica de cerámicos Zanon dejaron de pagar los "
                "sueldos e intentaron cerrarla. Los obreros ocuparon la planta y desde 2002 "
                "la hacen producir ellos mismos con el nombre FaSinPat: Fábrica Sin "
                "Patrones.\n\n"
                "En 2009 la Legislatura de Neuquén votó la expropiación de la planta a "
                "favor de la cooperativa. Fabrican pisos y revestimientos cerámicos."
            ),
            "en": (
                "In 2001 the owners of the Zanon ceramics factory stopped paying wages and "
                "tried to close it. The workers occupied the plant and have run production "
                "themselves since 2002, under the name FaSinPat: Fábrica Sin Patrones, "
                "factory without bosses.\n\n"
                "In 2009 the provincial legislature of Neuquén voted to expropriate the "
                "plant in favour of the cooperative. They make ceramic floor and wall tiles."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Piso cerámico 45 × 45",
                    "en": "Ceramic floor tile 45 × 45",
                    "de": "Keramikfliese 45 × 45",
                },
                "unit": {"es": "caja de 2 m²", "en": "box of 2 m²", "de": "Karton zu 2 m²"},
                "reference_price_minor": 2_400_000,
                "weight_grams": 36_000,
                "exportable": False,
            },
            {
                "name": {
                    "es": "Revestimiento de pared blanco",
                    "en": "White wall tile",
                    "de": "Weiße Wandfliese",
                },
                "unit": {"es": "caja de 1,5 m²", "en": "box of 1.5 m²", "de": "Karton zu 1,5 m²"},
                "reference_price_minor": 1_900_000,
                "weight_grams": 22_000,
                "exportable": False,
            },
            {
                "name": {
                    "es": "Azulejo decorado de recuerdo",
                    "en": "Decorated souvenir tile",
                    "de": "Bemalte Fliese als Andenken",
                },
                "description": {
                    "es": "Con el logo de la fábrica, para colgar.",
                    "en": "With the factory's logo, to hang on a wall.",
                    "de": "Mit dem Logo der Fabrik, zum Aufhängen.",
                },
                "unit": {
                    "es": "una pieza 20 × 20",
                    "en": "one 20 × 20 piece",
                    "de": "ein Stück 20 × 20",
                },
                "reference_price_minor": 900_000,
                "weight_grams": 600,
                "exportable": True,
                "round": {"price_minor": 1200, "max_quantity": 60},
            },
        ],
    },
    {
        "slug": "hotel-bauen",
        "name": "Hotel BAUEN",
        "legal_form": "worker_coop",
        "sector": "hospitality",
        "city": "Buenos Aires",
        "province": "AR-C",
        "year_recovered": 2003,
        "languages": ["es", "en"],
        "story": {
            "es": (
                "Un hotel sobre la avenida Callao, en el centro de Buenos Aires, que sus "
                "dueños cerraron en 2001. En marzo de 2003 un grupo de sus antiguos "
                "trabajadores entró al edificio y lo volvió a abrir como cooperativa.\n\n"
                "Desde entonces recibió incontables reuniones de sindicatos y movimientos "
                "sociales, y lleva años defendiéndose de órdenes de desalojo en los "
                "tribunales."
            ),
            "en": (
                "A hotel on Avenida Callao in the centre of Buenos Aires, closed by its "
                "owners in 2001. In March 2003 a group of its former workers went back into "
                "the building and reopened it as a cooperative.\n\n"
                "It has since hosted countless meetings of unions and social movements, and "
                "has spent years fighting eviction orders in the courts."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Noche para dos personas",
                    "en": "A night for two",
                    "de": "Eine Nacht für zwei",
                },
                "unit": {"es": "un vale", "en": "one voucher", "de": "ein Gutschein"},
                "reference_price_minor": 6_500_000,
                "exportable": False,
            },
            {
                "name": {
                    "es": "Salón para una reunión",
                    "en": "Meeting room for a day",
                    "de": "Tagungsraum für einen Tag",
                },
                "unit": {"es": "un día", "en": "one day", "de": "ein Tag"},
                "reference_price_minor": 12_000_000,
                "exportable": False,
            },
        ],
    },
    {
        "slug": "impa",
        "name": "IMPA",
        "legal_form": "worker_coop",
        "sector": "industry",
        "city": "Buenos Aires",
        "province": "AR-C",
        "year_recovered": 1998,
        "languages": ["es"],
        "story": {
            "es": (
                "Una metalúrgica del barrio de Almagro que hace productos de aluminio desde "
                "hace décadas. Sus trabajadores la tomaron en 1998: fue una de las primeras "
                "empresas recuperadas del país.\n\n"
                "Además de la fábrica, el edificio aloja un centro cultural y un "
                "bachillerato popular para personas adultas."
            ),
            "en": (
                "A metalworks in the Almagro neighbourhood of Buenos Aires that has made "
                "aluminium goods for decades. Its workers took it over in 1998, one of the "
                "first recovered workplaces in the country.\n\n"
                "Besides the factory, the building houses a cultural centre and a secondary "
                "school for adults."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Papel de aluminio",
                    "en": "Aluminium foil",
                    "de": "Alufolie",
                },
                "unit": {"es": "rollo de 30 m", "en": "30 m roll", "de": "Rolle zu 30 m"},
                "reference_price_minor": 550_000,
                "weight_grams": 450,
                "exportable": True,
                "round": {"price_minor": 450},
            },
            {
                "name": {
                    "es": "Bandejas de aluminio",
                    "en": "Aluminium trays",
                    "de": "Aluschalen",
                },
                "unit": {"es": "paquete de 10", "en": "pack of 10", "de": "Packung zu 10"},
                "reference_price_minor": 420_000,
                "weight_grams": 300,
                "exportable": True,
                "round": {"price_minor": 380},
            },
        ],
    },
    {
        "slug": "chilavert-artes-graficas",
        "name": "Chilavert Artes Gráficas",
        "legal_form": "worker_coop",
        "sector": "printing",
        "city": "Buenos Aires",
        "province": "AR-C",
        "year_recovered": 2002,
        "languages": ["es"],
        "story": {
            "es": (
                "Una imprenta del barrio de Nueva Pompeya. En 2002 sus trabajadores "
                "impidieron que el dueño se llevara las máquinas y siguieron imprimiendo, "
                "libros entre otras cosas.\n\n"
                "En el taller funciona también un centro de documentación sobre las "
                "empresas recuperadas."
            ),
            "en": (
                "A printing works in the Nueva Pompeya neighbourhood of Buenos Aires. In "
                "2002 its workers stopped the owner from taking the machines away and kept "
                "on printing, books among other things.\n\n"
                "The workshop also houses a documentation centre on the recovered "
                "workplaces."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Cuaderno cosido a mano",
                    "en": "Hand-sewn notebook",
                    "de": "Handgebundenes Notizbuch",
                },
                "unit": {"es": "A5, 96 hojas", "en": "A5, 96 pages", "de": "A5, 96 Blatt"},
                "reference_price_minor": 800_000,
                "weight_grams": 250,
                "exportable": True,
                "round": {"price_minor": 900},
            },
            {
                "name": {
                    "es": "Libro sobre las empresas recuperadas",
                    "en": "A book on the recovered workplaces",
                    "de": "Ein Buch über die übernommenen Betriebe",
                },
                "description": {
                    "es": "Impreso en el taller, en castellano.",
                    "en": "Printed in the workshop, in Spanish.",
                    "de": "In der Werkstatt gedruckt, auf Spanisch.",
                },
                "unit": {"es": "un ejemplar", "en": "one copy", "de": "ein Exemplar"},
                "reference_price_minor": 1_500_000,
                "weight_grams": 400,
                "exportable": True,
                "round": {"price_minor": 1600, "max_quantity": 40},
            },
        ],
    },
    {
        "slug": "la-cacerola",
        "name": "La Cacerola",
        "legal_form": "worker_coop",
        "sector": "food",
        "city": "Buenos Aires",
        "province": "AR-C",
        "year_recovered": 2002,
        "languages": ["es"],
        "story": {
            "es": (
                "Una panadería de Buenos Aires que sus trabajadores recuperaron en 2002, "
                "cuando el dueño la abandonó, y que desde entonces funciona como "
                "cooperativa."
            ),
            "en": (
                "A bakery in Buenos Aires that its workers recovered in 2002, when the owner "
                "walked away from it, and that has run as a cooperative ever since."
            ),
        },
        "products": [
            {
                "name": {"es": "Pan de campo", "en": "Country loaf", "de": "Landbrot"},
                "unit": {"es": "1 kg", "en": "1 kg", "de": "1 kg"},
                "reference_price_minor": 280_000,
                "weight_grams": 1000,
                "exportable": False,
            },
            {
                "name": {
                    "es": "Alfajores de maicena",
                    "en": "Cornflour alfajores",
                    "de": "Alfajores aus Maisstärke",
                },
                "unit": {"es": "caja de 6", "en": "box of 6", "de": "Schachtel zu 6"},
                "reference_price_minor": 450_000,
                "weight_grams": 300,
                "exportable": False,
            },
        ],
    },
    {
        "slug": "textiles-pigue",
        "name": "Cooperativa Textiles Pigüé",
        "legal_form": "worker_coop",
        "sector": "textiles",
        "city": "Pigüé",
        "province": "AR-B",
        # A town of some 15,000 people, below what the gazetteer lists.
        "latitude": "-37.60620",
        "longitude": "-62.40530",
        "year_recovered": 2004,
        "languages": ["es"],
        "story": {
            "es": (
                "Una planta textil de Pigüé, en el sudoeste de la provincia de Buenos "
                "Aires, que pertenecía a Gatic, fabricante de ropa deportiva para marcas "
                "internacionales. Tras la caída de Gatic, sus antiguos trabajadores la "
                "pusieron de nuevo en marcha como cooperativa en 2004."
            ),
            "en": (
                "A textile plant in Pigüé, in the south-west of Buenos Aires province, that "
                "belonged to Gatic, a maker of sportswear for international brands. After "
                "Gatic collapsed, its former workers started it up again as a cooperative "
                "in 2004."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Remera de algodón",
                    "en": "Cotton T-shirt",
                    "de": "Baumwoll-T-Shirt",
                },
                "description": {
                    "es": "Con la leyenda «Fábrica sin patrones».",
                    "en": "Printed with “Fábrica sin patrones” (factory without bosses).",
                    "de": "Bedruckt mit „Fábrica sin patrones“ (Fabrik ohne Chefs).",
                },
                "unit": {"es": "una remera", "en": "one T-shirt", "de": "ein T-Shirt"},
                "reference_price_minor": 1_800_000,
                "weight_grams": 180,
                "exportable": True,
                "variants": T_SHIRT_SIZES,
                "round": {"price_minor": 1800, "max_quantity": 100},
            },
            {
                "name": {
                    "es": "Buzo de frisa",
                    "en": "Fleece sweatshirt",
                    "de": "Sweatshirt",
                },
                "unit": {"es": "un buzo", "en": "one sweatshirt", "de": "ein Sweatshirt"},
                "reference_price_minor": 3_600_000,
                "weight_grams": 520,
                "exportable": True,
                "variants": T_SHIRT_SIZES,
                "round": {"price_minor": 3400},
            },
        ],
    },
    {
        "slug": "cooperativa-22-de-mayo",
        "name": "Cooperativa 22 de Mayo (ex Grissinópoli)",
        "legal_form": "worker_coop",
        "sector": "food",
        "city": "Buenos Aires",
        "province": "AR-C",
        "year_recovered": 2002,
        "languages": ["es"],
        "story": {
            "es": (
                "Una fábrica de grisines del barrio de Chacarita. Sus trabajadores la "
                "ocuparon en 2002, cuando los dueños dejaron de pagarles, y desde entonces "
                "la hacen funcionar como cooperativa."
            ),
            "en": (
                "A breadstick factory in the Chacarita neighbourhood of Buenos Aires. Its "
                "workers occupied it in 2002, when the owners stopped paying them, and have "
                "run it as a cooperative ever since."
            ),
        },
        "products": [
            {
                "name": {"es": "Grisines clásicos", "en": "Classic grissini", "de": "Grissini"},
                "unit": {"es": "paquete de 200 g", "en": "200 g pack", "de": "Packung zu 200 g"},
                "reference_price_minor": 250_000,
                "weight_grams": 220,
                "exportable": True,
                "round": {"price_minor": 350},
            },
            {
                "name": {
                    "es": "Grisines con semillas",
                    "en": "Grissini with seeds",
                    "de": "Grissini mit Saaten",
                },
                "unit": {"es": "paquete de 200 g", "en": "200 g pack", "de": "Packung zu 200 g"},
                "reference_price_minor": 290_000,
                "weight_grams": 220,
                "exportable": True,
                "round": {"price_minor": 390},
            },
        ],
    },
    # --- invented examples -------------------------------------------------------------
    {
        "slug": "yerbatera-tierra-colorada",
        "name": "Cooperativa Yerbatera Tierra Colorada",
        "is_example": True,
        "legal_form": "worker_coop",
        "sector": "food",
        "city": "Oberá",
        "province": "AR-N",
        "year_recovered": 2009,
        "workers": 46,
        "languages": ["es", "pt"],
        "website": "https://tierra-colorada.example.org/",
        "story": {
            "es": (
                "Un secadero y molino de yerba mate que cerró cuando su dueño se fue con "
                "las deudas. Los tareferos y molineros lo reabrieron en 2009 y hoy compran "
                "la hoja a pequeños productores de la zona."
            ),
            "en": (
                "A yerba mate drying shed and mill that closed when its owner left with the "
                "debts. The leaf pickers and millers reopened it in 2009 and now buy the "
                "leaf from small growers nearby."
            ),
        },
        "products": [
            {
                "name": {"es": "Yerba mate", "en": "Yerba mate", "de": "Mate-Tee"},
                "unit": {"es": "1 kg", "en": "1 kg", "de": "1 kg"},
                "reference_price_minor": 450_000,
                "weight_grams": 1050,
                "exportable": True,
                "round": {"price_minor": 950},
            },
            {
                "name": {
                    "es": "Yerba mate suave",
                    "en": "Mild yerba mate",
                    "de": "Milder Mate-Tee",
                },
                "unit": {"es": "500 g", "en": "500 g", "de": "500 g"},
                "reference_price_minor": 250_000,
                "weight_grams": 530,
                "exportable": True,
                "round": {"price_minor": 550},
            },
        ],
    },
    {
        "slug": "hilos-del-sur",
        "name": "Cooperativa Textil Hilos del Sur",
        "is_example": True,
        "legal_form": "worker_coop",
        "sector": "textiles",
        "city": "Trelew",
        "province": "AR-U",
        "year_recovered": 2012,
        "workers": 38,
        "status": "reduced",
        "capacity_percent": 40,
        "languages": ["es", "en"],
        "story": {
            "es": (
                "Una hilandería de lana que sus trabajadoras recuperaron en 2012. Con la "
                "caída del consumo hoy trabaja a menos de la mitad de su capacidad."
            ),
            "en": (
                "A wool mill its workers recovered in 2012. With sales falling it now runs "
                "at less than half its capacity."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Medias de lana merino",
                    "en": "Merino wool socks",
                    "de": "Socken aus Merinowolle",
                },
                "unit": {"es": "un par", "en": "one pair", "de": "ein Paar"},
                "reference_price_minor": 900_000,
                "weight_grams": 90,
                "exportable": True,
                "variants": SOCK_SIZES,
                "round": {"price_minor": 1200},
            },
            {
                "name": {
                    "es": "Bufanda tejida",
                    "en": "Knitted scarf",
                    "de": "Gestrickter Schal",
                },
                "unit": {"es": "una bufanda", "en": "one scarf", "de": "ein Schal"},
                "reference_price_minor": 2_200_000,
                "weight_grams": 200,
                "exportable": True,
                "round": {"price_minor": 2500},
            },
        ],
    },
    {
        "slug": "conservas-valle-de-uco",
        "name": "Cooperativa Conservera Valle de Uco",
        "is_example": True,
        "legal_form": "worker_coop",
        "sector": "food",
        "city": "Tunuyán",
        "province": "AR-M",
        "latitude": "-33.57600",
        "longitude": "-69.01500",
        "year_recovered": 2016,
        "workers": 27,
        "status": "reduced",
        "capacity_percent": 55,
        "languages": ["es"],
        "story": {
            "es": (
                "Una fábrica de conservas de tomate y de fruta que sus trabajadores "
                "recuperaron en 2016. Compra a productores del valle y trabaja por "
                "temporadas."
            ),
            "en": (
                "A factory of tomato and fruit preserves that its workers recovered in 2016. "
                "It buys from growers in the valley and works by the season."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Tomate triturado",
                    "en": "Crushed tomatoes",
                    "de": "Passierte Tomaten",
                },
                "unit": {"es": "frasco de 500 g", "en": "500 g jar", "de": "Glas zu 500 g"},
                "reference_price_minor": 220_000,
                "weight_grams": 800,
                "exportable": True,
                "round": {"price_minor": 390},
            },
            {
                "name": {
                    "es": "Dulce de durazno",
                    "en": "Peach jam",
                    "de": "Pfirsichmarmelade",
                },
                "unit": {"es": "frasco de 400 g", "en": "400 g jar", "de": "Glas zu 400 g"},
                "reference_price_minor": 320_000,
                "weight_grams": 650,
                "exportable": True,
                "round": {"price_minor": 520},
            },
        ],
    },
    {
        "slug": "metalurgica-union-del-oeste",
        "name": "Cooperativa Metalúrgica Unión del Oeste",
        "is_example": True,
        "legal_form": "worker_coop",
        "sector": "industry",
        "city": "Córdoba",
        "province": "AR-X",
        "year_recovered": 2003,
        "workers": 22,
        "status": "closed",
        "languages": ["es"],
        "story": {
            "es": (
                "Un taller de piezas para maquinaria agrícola que funcionó como cooperativa "
                "durante veinte años. Cerró en 2024, cuando se cortaron los pedidos y "
                "subieron las tarifas."
            ),
            "en": (
                "A workshop making parts for farm machinery that ran as a cooperative for "
                "twenty years. It closed in 2024, when orders stopped and energy prices "
                "rose."
            ),
        },
        "products": [
            {
                "name": {"es": "Engranajes", "en": "Gears", "de": "Zahnräder"},
                "unit": {"es": "por pieza", "en": "per piece", "de": "pro Stück"},
                "reference_price_minor": 3_500_000,
                "weight_grams": 2500,
                "exportable": False,
                "available": False,
            },
            {
                "name": {"es": "Bujes de bronce", "en": "Bronze bushings", "de": "Bronzebuchsen"},
                "unit": {"es": "por pieza", "en": "per piece", "de": "pro Stück"},
                "reference_price_minor": 1_200_000,
                "weight_grams": 400,
                "exportable": False,
                "available": False,
            },
        ],
    },
    {
        "slug": "grafica-letras-libres",
        "name": "Cooperativa Gráfica Letras Libres",
        "is_example": True,
        "legal_form": "worker_coop",
        "sector": "printing",
        "city": "Rosario",
        "province": "AR-S",
        "year_recovered": 2005,
        "workers": 19,
        "languages": ["es", "en"],
        "story": {
            "es": (
                "Una imprenta de Rosario recuperada en 2005, que imprime para editoriales "
                "pequeñas, sindicatos y organizaciones barriales."
            ),
            "en": (
                "A printing works in Rosario recovered in 2005, printing for small "
                "publishers, unions and neighbourhood groups."
            ),
        },
        "products": [
            {
                "name": {
                    "es": "Agenda de las empresas recuperadas",
                    "en": "Diary of the recovered workplaces",
                    "de": "Kalender der übernommenen Betriebe",
                },
                "unit": {"es": "A6, un año", "en": "A6, one year", "de": "A6, ein Jahr"},
                "reference_price_minor": 1_100_000,
                "weight_grams": 300,
                "exportable": True,
                "round": {"price_minor": 1400, "max_quantity": 80},
            },
            {
                "name": {
                    "es": "Láminas ilustradas",
                    "en": "Illustrated prints",
                    "de": "Illustrierte Drucke",
                },
                "unit": {"es": "juego de 4, A4", "en": "set of 4, A4", "de": "4 Stück, A4"},
                "reference_price_minor": 900_000,
                "weight_grams": 150,
                "exportable": True,
            },
        ],
    },
]

ROUND: dict[str, Any] = {
    "slug": "sammelbestellung-kooperativen-berlin-hamburg",
    "organisation": GERMAN_GROUP["slug"],
    "title": {
        "de": "Solidarische Sammelbestellung: Produkte der Kooperativen aus Argentinien",
        "en": "Solidarity buying round: products of Argentina's cooperatives",
        "es": "Compra solidaria: productos de las cooperativas de Argentina",
    },
    "description": {
        "de": (
            "Wir bestellen gemeinsam bei Betrieben, die ihre Belegschaften übernommen haben, "
            "und holen die Ware gesammelt nach Deutschland. Abholung in Berlin und Hamburg "
            "oder Versand innerhalb Deutschlands. Was die Kooperativen bekommen, rechnen "
            "wir zum angegebenen Kurs in Pesos um."
        ),
        "en": (
            "We order together from workplaces their workers took over, and bring the goods "
            "to Germany in one shipment. Pick them up in Berlin or Hamburg, or have them "
            "sent anywhere in Germany. What the cooperatives receive is worked out in pesos "
            "at the rate given."
        ),
        "es": (
            "Hacemos un pedido conjunto a empresas recuperadas por sus trabajadores y "
            "traemos la mercadería a Alemania en un solo envío. Se retira en Berlín o "
            "Hamburgo, o se envía dentro de Alemania. Lo que reciben las cooperativas se "
            "calcula en pesos al tipo de cambio indicado."
        ),
    },
    "country": "DE",
    "currency": "EUR",
    "time_zone": "Europe/Berlin",
    "opened_days_ago": 3,
    "closes_in_days": 21,
    "closes_at_local": (20, 0),
    # Pesos for one euro, stated on every purchase order (a Decimal in the loader).
    "exchange_rate": "1050",
    "shipping_fee_minor": 690,
    "payment_days": 7,
    "bank_details": {
        "de": (
            "Kontoinhaber: Gruppe Arbeitszeit (Beispieldaten)\n"
            "IBAN: DE89 3704 0044 0532 0130 00\n"
            "BIC: COBADEFFXXX"
        ),
        "en": (
            "Account holder: Gruppe Arbeitszeit (example details)\n"
            "IBAN: DE89 3704 0044 0532 0130 00\n"
            "BIC: COBADEFFXXX"
        ),
        "es": (
            "Titular: Gruppe Arbeitszeit (datos de ejemplo)\n"
            "IBAN: DE89 3704 0044 0532 0130 00\n"
            "BIC: COBADEFFXXX"
        ),
    },
    "pickup_points": [
        {
            "name": "Stadtteilladen Kreuzberg (Beispiel)",
            "address": "Beispielstraße 12, 10997 Berlin",
            "city": "Berlin",
            "opening_hours": {
                "de": "Dienstag und Donnerstag 16–20 Uhr",
                "en": "Tuesday and Thursday 4–8 pm",
                "es": "martes y jueves de 16 a 20 h",
            },
        },
        {
            "name": "Infoladen St. Pauli (Beispiel)",
            "address": "Musterweg 5, 20359 Hamburg",
            "city": "Hamburg",
            "opening_hours": {
                "de": "Mittwoch 17–21 Uhr, Samstag 11–15 Uhr",
                "en": "Wednesday 5–9 pm, Saturday 11 am–3 pm",
                "es": "miércoles de 17 a 21 h, sábado de 11 a 15 h",
            },
        },
    ],
}
