"""The demo's mailing: the panel's organisers write to the people who agreed to
hear from them, in three languages, so that a newcomer finds it in the
development outbox with its unsubscribe link, and its results in the console."""

MAILING = {
    "subject": {
        "es": "{first_name}, gracias por sumarte",
        "en": "{first_name}, thank you for joining",
        "pt": "{first_name}, obrigado por participar",
    },
    "body": {
        "es": (
            "Hola {first_name}:\n\n"
            "Gracias por anotarte al panel y por apoyar el fondo de defensa. "
            "En las próximas semanas te contaremos cómo sigue la campaña.\n\n"
            "- Difundí el panel entre tus compañeras y compañeros.\n"
            "- Si podés, sumá una firma a la petición.\n\n"
            "Con solidaridad,\n**{organisation}**\n\n"
            "[Lo que sabemos de vos y cómo cambiarlo]({my_data_link})"
        ),
        "en": (
            "Hello {first_name},\n\n"
            "Thank you for registering for the panel and for backing the defense fund. "
            "In the coming weeks we will tell you how the campaign goes on.\n\n"
            "- Share the panel with your fellow workers.\n"
            "- If you can, add your name to the petition.\n\n"
            "In solidarity,\n**{organisation}**\n\n"
            "[What we hold about you, and how to change it]({my_data_link})"
        ),
        "pt": (
            "Olá {first_name},\n\n"
            "Obrigado por se inscrever no painel e por apoiar o fundo de defesa. "
            "Nas próximas semanas contaremos como segue a campanha.\n\n"
            "- Divulgue o painel entre suas companheiras e companheiros.\n"
            "- Se puder, assine a petição.\n\n"
            "Em solidariedade,\n**{organisation}**\n\n"
            "[O que sabemos sobre você e como mudar]({my_data_link})"
        ),
    },
}
