"""Demo events: an online panel and a worldwide day of action at Argentine embassies.

Written in our own words from the seed facts. Dates are counted from the day the
demo is loaded, so the demo always has something coming up."""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

PANEL: dict[str, Any] = {
    "campaign": "global-day-general-strike",
    "slug": "panel-general-strike",
    "host": "left-voice",
    "days_from_now": 10,
    "local_time": (14, 30),
    "duration_minutes": 90,
    "timezone": "America/New_York",
    "capacity": 300,
    "online_url": "https://meet.example.org/general-strike-panel",
    "title": {
        "en": "Online panel: the general strike in Argentina and the left",
        "es": "Panel en línea: la huelga general en la Argentina y la izquierda",
        "pt": "Painel online: a greve geral na Argentina e a esquerda",
        "fr": "Débat en ligne : la grève générale en Argentine et la gauche",
        "de": "Online-Podium: der Generalstreik in Argentinien und die Linke",
    },
    "description": {
        "en": (
            "An editor of La Izquierda Diario and a worker from a factory run under workers' "
            "control since 2001 discuss the strike, the assemblies in the neighbourhoods and "
            "what solidarity abroad can do. Questions from the audience at the end."
        ),
        "es": (
            "Un editor de La Izquierda Diario y un trabajador de una fábrica bajo control "
            "obrero desde 2001 conversan sobre la huelga, las asambleas barriales y lo que "
            "puede hacer la solidaridad desde el exterior. Preguntas del público al final."
        ),
    },
}

DAY: dict[str, Any] = {
    "campaign": "global-day-general-strike",
    "slug": "embassies-worldwide",
    "days_from_now": 14,
    "title": {
        "en": "Worldwide day of solidarity at Argentine embassies and consulates",
        "es": "Jornada mundial de solidaridad frente a embajadas y consulados argentinos",
        "pt": "Dia mundial de solidariedade diante das embaixadas e consulados argentinos",
        "fr": "Journée mondiale de solidarité devant les ambassades et consulats argentins",
        "de": "Weltweiter Solidaritätstag vor argentinischen Botschaften und Konsulaten",
    },
    "description": {
        "en": (
            "On the day of the general strike, groups in many countries gather in front of "
            "Argentina's embassies and consulates. Bring pots and pans. Host an action in "
            "your city, or join one near you."
        ),
        "es": (
            "El día de la huelga general, grupos de muchos países se concentran frente a las "
            "embajadas y consulados argentinos. Traé tu cacerola. Organizá una acción en tu "
            "ciudad o sumate a una cercana."
        ),
    },
    # city, country, zone, hour, venue, co-sponsors (organisation slugs)
    "actions": [
        (
            "New York",
            "US",
            "America/New_York",
            16,
            "Consulate General of Argentina",
            ["cuny4palestine", "workers-voice", "el-hormiguero", "tempest"],
        ),
        ("Paris", "FR", "Europe/Paris", 18, "Ambassade d'Argentine", []),
        ("Madrid", "ES", "Europe/Madrid", 19, "Embajada de la República Argentina", []),
        ("Santiago", "CL", "America/Santiago", 12, "Embajada de Argentina", []),
        ("Mexico City", "MX", "America/Mexico_City", 17, "Embajada de Argentina", []),
        ("Toronto", "CA", "America/Toronto", 16, "Consulate General of Argentina", []),
    ],
}
