"""Demo content for Solidaria: organisations and campaigns.

Written in our own words from the facts (names, dates, figures) in the seed documents;
no sentence is copied from them. Plain data, no Django imports: see loader.py.
"""

from typing import Any

# Any: demonstration records, each key holding the value its model field takes.

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "partido-obrero",
        "name": "Partido Obrero",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es", "en"],
        "contacts": {},
    },
    {
        "slug": "polo-obrero",
        "name": "Polo Obrero",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "mtr-historico",
        "name": "MTR Histórico",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "barrios-de-pie",
        "name": "Barrios de Pie",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "mtd-anibal-veron",
        "name": "MTD Aníbal Verón",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "corriente-clasista-y-combativa-ccc",
        "name": "Corriente Clasista y Combativa - CCC",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "libres-del-sur",
        "name": "Libres del Sur",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "sutna",
        "name": "SUTNA - Sindicato Único de Trabajadores del Neumático Argentino",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "ate",
        "name": "ATE - Asociación Trabajadores del Estado",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "left-voice",
        "name": "Left Voice",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en", "es"],
        "contacts": {},
    },
    {
        "slug": "partido-de-los-trabajadores-socialistas-pts",
        "name": "Partido de los Trabajadores Socialistas - PTS",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "cuny4palestine",
        "name": "CUNY4Palestine",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en"],
        "contacts": {},
    },
    {
        "slug": "workers-voice",
        "name": "Workers Voice",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en", "es"],
        "contacts": {},
    },
    {
        "slug": "el-hormiguero",
        "name": "El Hormiguero",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["es", "en"],
        "contacts": {},
    },
    {
        "slug": "freedom-socialist-party",
        "name": "Freedom Socialist Party",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en"],
        "contacts": {},
    },
    {
        "slug": "healthcare-workers-for-palestine",
        "name": "Healthcare Workers for Palestine",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en"],
        "contacts": {},
    },
    {
        "slug": "tempest",
        "name": "Tempest",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en"],
        "contacts": {},
    },
    {
        "slug": "within-our-lifetime",
        "name": "Within Our Lifetime",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en"],
        "contacts": {},
    },
    {
        "slug": "democratic-socialists-of-america-international-committee",
        "name": "Democratic Socialists of America – International Committee",
        "country": "US",
        "region": "",
        "website": "",
        "languages": ["en", "es"],
        "contacts": {},
    },
    {
        "slug": "sumar",
        "name": "Sumar",
        "country": "ES",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "movimento-dos-trabalhadores-rurais-sem-terra-mst",
        "name": "Movimento dos Trabalhadores Rurais sem Terra - MST",
        "country": "BR",
        "region": "",
        "website": "",
        "languages": ["pt", "es"],
        "contacts": {},
    },
    {
        "slug": "podemos",
        "name": "Podemos",
        "country": "ES",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "izquierda-unida",
        "name": "Izquierda Unida",
        "country": "ES",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "belgian-workers-party",
        "name": "Belgian Workers Party",
        "country": "BE",
        "region": "",
        "website": "",
        "languages": ["fr", "en"],
        "contacts": {},
    },
    {
        "slug": "diem25",
        "name": "DiEM25",
        "country": "",
        "region": "Europe",
        "website": "",
        "languages": ["en", "de", "fr", "es", "pt"],
        "contacts": {},
    },
    {
        "slug": "party-of-the-european-left",
        "name": "Party of the European Left",
        "country": "",
        "region": "Europe",
        "website": "",
        "languages": ["en", "fr", "de", "es", "pt"],
        "contacts": {},
    },
    {
        "slug": "frente-amplio",
        "name": "Frente Amplio",
        "country": "UY",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "communist-party-of-chile",
        "name": "Communist Party of Chile",
        "country": "CL",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "comisiones-obreras",
        "name": "Comisiones Obreras",
        "country": "ES",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "convergencia-social",
        "name": "Convergencia Social",
        "country": "CL",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "colombia-humana",
        "name": "Colombia Humana",
        "country": "CO",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "nuevo-peru",
        "name": "Nuevo Perú",
        "country": "PE",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "revolucion-democratica",
        "name": "Revolución Democrática",
        "country": "CL",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "partido-socialismo-e-liberdade",
        "name": "Partido Socialismo e Liberdade",
        "country": "BR",
        "region": "",
        "website": "",
        "languages": ["pt"],
        "contacts": {},
    },
    {
        "slug": "movimento-dos-trabalhadores-sem-teto-mtst",
        "name": "Movimento dos Trabalhadores Sem-Teto - MTST",
        "country": "BR",
        "region": "",
        "website": "",
        "languages": ["pt"],
        "contacts": {},
    },
    {
        "slug": "parti-communiste-francais",
        "name": "Parti Communiste Français",
        "country": "FR",
        "region": "",
        "website": "",
        "languages": ["fr"],
        "contacts": {},
    },
    {
        "slug": "pacto-ecosocial-e-intercultural-del-sur",
        "name": "Pacto Ecosocial e Intercultural del Sur",
        "country": "",
        "region": "Latin America",
        "website": "",
        "languages": ["es", "pt"],
        "contacts": {},
    },
    {
        "slug": "todos-somos-colombia",
        "name": "Todos Somos Colombia",
        "country": "CO",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "confederacao-nacional-dos-trabalhadores-do-ramo-financeiro",
        "name": "Confederação Nacional dos Trabalhadores do Ramo Financeiro",
        "country": "BR",
        "region": "",
        "website": "",
        "languages": ["pt"],
        "contacts": {},
    },
    {
        "slug": "patria-progresista",
        "name": "Patria Progresista",
        "country": "CL",
        "region": "",
        "website": "",
        "languages": ["es"],
        "contacts": {},
    },
    {
        "slug": "international-committee-for-solidarity-with-self-management-in-argentina",
        "name": "International Committee for Solidarity with Self-Management in Argentina",
        "country": "",
        "region": "International",
        "website": "",
        "languages": ["es", "en", "de"],
        "contacts": {
            "de": "gruppe_arbeitszeit@riseup.net",
            "es": "solidaridadERT@proton.me",
            "en": "solidaridadERT@proton.me",
        },
    },
    {
        "slug": "workers-economy-network",
        "name": "Workers' Economy Network",
        "country": "",
        "region": "International",
        "website": "",
        "languages": ["es", "en", "pt", "fr"],
        "contacts": {},
    },
]

CAMPAIGNS: list[dict[str, Any]] = [
    {
        "slug": "against-repression-argentina",
        "owner": "partido-obrero",
        "partners": ["polo-obrero"],
        "languages": ["es", "en", "pt", "fr", "de"],
        "status": "live",
        "title": {
            "es": "Alto a la represión de activistas y organizaciones populares en Argentina",
            "en": "Stop the repression of activists and popular organisations in Argentina",
            "pt": "Basta de repressão contra ativistas e organizações populares na Argentina",
            "fr": (
                "Halte à la répression des militants et des organisations populaires en Argentine"
            ),
            "de": "Stoppt die Repression gegen Aktive und Basisorganisationen in Argentinien",
        },
        "summary": {
            "es": (
                "El Partido Obrero pide apoyo internacional frente a la persecución de quienes "
                "protestan y se organizan en los barrios más pobres de Argentina. Firma la "
                "petición: pronto abrirá un fondo de defensa legal."
            ),
            "en": (
                "The Partido Obrero asks for international support against the prosecution of "
                "people who protest and organise in Argentina's poorest neighbourhoods. Sign the "
                "petition: a legal defence fund opens soon."
            ),
            "pt": (
                "O Partido Obrero pede apoio internacional contra a perseguição a quem protesta e "
                "se organiza nos bairros mais pobres da Argentina. Assine a petição: um fundo de "
                "defesa jurídica abrirá em breve."
            ),
            "fr": (
                "Le Partido Obrero demande un soutien international face aux poursuites contre "
                "celles et ceux qui manifestent et s'organisent dans les quartiers pauvres "
                "d'Argentine. Signez la pétition : un fonds de défense juridique ouvrira bientôt."
            ),
            "de": (
                "Der Partido Obrero bittet um internationale Unterstützung gegen die Verfolgung "
                "von Menschen, die in den ärmsten Vierteln Argentiniens protestieren und sich "
                "organisieren. Unterschreibe die Petition: Ein Rechtshilfefonds startet bald."
            ),
        },
        "story": {
            "es": (
                "Desde que asumió el gobierno de Javier Milei, protestar en Argentina es cada vez "
                "más riesgoso. Las marchas, grandes o pequeñas, terminan con heridos, detenciones "
                "y causas judiciales. Los más expuestos son los militantes del movimiento "
                "piquetero, que organiza a personas desocupadas y trabajadores precarios en los "
                "barrios más pobres.\n\n"
                "Según el Centro de Estudios Legales y Sociales (CELS), en seis meses hubo 665 "
                "personas heridas en protestas solo en la ciudad de Buenos Aires, y 80 detenciones "
                "arbitrarias entre Buenos Aires, Córdoba y Rosario. En la marcha del 20 de "
                "diciembre resultaron heridos 47 trabajadores de prensa.\n\n"
                "Tras las protestas contra la Ley Bases, 33 personas fueron detenidas y acusadas "
                "de sedición y terrorismo; dos siguen presas. Hubo allanamientos en comedores y "
                "locales del Polo Obrero, el MTR Histórico, Barrios de Pie, el MTD Aníbal Verón, "
                "la CCC y Libres del Sur, en Buenos Aires y en Neuquén. También se reprimieron "
                "protestas de gremios como SUTNA y ATE.\n\n"
                "La justicia citó tanto a voluntarias de comedores como a dirigentes conocidos, "
                "entre ellos Eduardo Belliboni, Jeremías Cantero e Isolda Dotti. El local del "
                "Partido Obrero también fue allanado, y el partido llevó el caso a la Corte "
                "Interamericana de Derechos Humanos con el apoyo de todos los bloques opositores.\n"
                "\nDefenderse en los tribunales cuesta un dinero que quienes viven de su trabajo "
                "no tienen. Por eso estamos creando un fondo de defensa legal para los activistas "
                "procesados, que abrirá pronto. Mientras tanto, firma la petición y comparte esta "
                "campaña."
            ),
            "en": (
                "Since Javier Milei took office, joining a protest in Argentina has become risky. "
                "Demonstrations of every size end in injuries, arrests and court cases. The people "
                "most exposed are activists of the piquetero movement, who organise people without "
                "jobs or secure work in the poorest neighbourhoods.\n\n"
                "The Centro de Estudios Legales y Sociales (CELS) counted 665 people injured at "
                "protests over six months in Buenos Aires city alone, and 80 arbitrary detentions "
                "in Buenos Aires, Córdoba and Rosario. At the march of 20 December, 47 press "
                "workers were hurt.\n\n"
                "After the protests against the Bases Law, 33 people were arrested and charged "
                "with sedition and terrorism; two are still in custody. Police raided soup "
                "kitchens and community centres of Polo Obrero, MTR Histórico, Barrios de Pie, MTD "
                "Aníbal Verón, the CCC and Libres del Sur, in Buenos Aires and Neuquén. Union "
                "protests, including those of SUTNA and ATE, were also broken up.\n\n"
                "Courts have summoned soup-kitchen volunteers as well as well-known leaders such "
                "as Eduardo Belliboni, Jeremías Cantero and Isolda Dotti. The Partido Obrero's own "
                "offices were raided; the party took the case to the Inter-American Court of Human "
                "Rights, backed by every opposition bloc.\n\n"
                "A defence in court costs money that working people do not have. So we are setting "
                "up a legal defence fund for prosecuted activists, which will open soon. Until "
                "then, please sign the petition and share this campaign."
            ),
            "pt": (
                "Desde a posse do governo de Javier Milei, protestar na Argentina ficou cada vez "
                "mais arriscado. Manifestações de qualquer tamanho terminam em feridos, prisões e "
                "processos judiciais. Os mais expostos são os militantes do movimento piqueteiro, "
                "que organiza desempregados e trabalhadores precários nos bairros mais pobres.\n\n"
                "Segundo o Centro de Estudios Legales y Sociales (CELS), em seis meses 665 pessoas "
                "ficaram feridas em protestos só na cidade de Buenos Aires, e houve 80 detenções "
                "arbitrárias em Buenos Aires, Córdoba e Rosario. Na marcha de 20 de dezembro, 47 "
                "profissionais da imprensa foram feridos.\n\n"
                "Depois dos protestos contra a Lei de Bases, 33 pessoas foram presas e acusadas de "
                "sedição e terrorismo; duas continuam detidas. A polícia invadiu refeitórios "
                "comunitários e sedes do Polo Obrero, do MTR Histórico, de Barrios de Pie, do MTD "
                "Aníbal Verón, da CCC e de Libres del Sur, em Buenos Aires e em Neuquén. Protestos "
                "de sindicatos como o SUTNA e a ATE também foram reprimidos.\n\n"
                "A Justiça intimou desde voluntárias de refeitórios até dirigentes conhecidos, "
                "como Eduardo Belliboni, Jeremías Cantero e Isolda Dotti. A sede do Partido Obrero "
                "também foi alvo de busca policial, e o partido levou o caso à Corte "
                "Interamericana de Direitos Humanos com o apoio de todos os blocos de oposição.\n\n"
                "Uma defesa nos tribunais custa um dinheiro que quem vive do próprio trabalho não "
                "tem. Por isso estamos criando um fundo de defesa jurídica para os ativistas "
                "processados, que abrirá em breve. Enquanto isso, assine a petição e compartilhe "
                "esta campanha."
            ),
            "fr": (
                "Depuis l'arrivée au pouvoir de Javier Milei, manifester en Argentine est devenu "
                "risqué. Petits ou grands, les rassemblements se terminent par des blessés, des "
                "arrestations et des poursuites. Les plus exposés sont les militants du mouvement "
                "piquetero, qui organise chômeurs et travailleurs précaires dans les quartiers les "
                "plus pauvres.\n\n"
                "Selon le Centro de Estudios Legales y Sociales (CELS), 665 personnes ont été "
                "blessées en six mois lors de manifestations dans la seule ville de Buenos Aires, "
                "et 80 ont subi une détention arbitraire à Buenos Aires, Córdoba et Rosario. Lors "
                "de la marche du 20 décembre, 47 travailleurs de la presse ont été blessés.\n\n"
                "Après les manifestations contre la loi Bases, 33 personnes ont été arrêtées et "
                "accusées de sédition et de terrorisme ; deux sont toujours détenues. La police a "
                "perquisitionné des cantines populaires et des locaux du Polo Obrero, du MTR "
                "Histórico, de Barrios de Pie, du MTD Aníbal Verón, de la CCC et de Libres del "
                "Sur, à Buenos Aires et à Neuquén. Des actions syndicales, notamment du SUTNA et "
                "de l'ATE, ont aussi été réprimées.\n\n"
                "La justice a convoqué aussi bien des bénévoles de cantines que des dirigeants "
                "connus comme Eduardo Belliboni, Jeremías Cantero et Isolda Dotti. Le siège du "
                "Partido Obrero a lui aussi été perquisitionné ; le parti a saisi la Cour "
                "interaméricaine des droits de l'homme, avec le soutien de tous les groupes "
                "d'opposition.\n\n"
                "Se défendre devant un tribunal coûte cher, et celles et ceux qui vivent de leur "
                "travail n'en ont pas les moyens. Nous préparons donc un fonds de défense "
                "juridique pour les militants poursuivis, qui ouvrira bientôt. En attendant, "
                "signez la pétition et partagez cette campagne."
            ),
            "de": (
                "Seit Javier Milei regiert, ist Protest in Argentinien riskant geworden. Ob groß "
                "oder klein: Demonstrationen enden mit Verletzten, Festnahmen und Strafverfahren. "
                "Am stärksten betroffen sind Aktive der Piquetero-Bewegung, die Erwerbslose und "
                "prekär Beschäftigte in den ärmsten Vierteln organisiert.\n\n"
                "Nach Angaben des Centro de Estudios Legales y Sociales (CELS) wurden in sechs "
                "Monaten allein in der Stadt Buenos Aires 665 Menschen bei Protesten verletzt. In "
                "Buenos Aires, Córdoba und Rosario gab es 80 willkürliche Festnahmen. Bei der "
                "Demonstration am 20. Dezember wurden 47 Medienschaffende verletzt.\n\n"
                "Nach den Protesten gegen das sogenannte Basisgesetz (Ley Bases) wurden 33 "
                "Menschen festgenommen und wegen Aufruhr und Terrorismus angeklagt; zwei sind noch "
                "in Haft. Die Polizei durchsuchte Volksküchen und Räume von Polo Obrero, MTR "
                "Histórico, Barrios de Pie, MTD Aníbal Verón, CCC und Libres del Sur in Buenos "
                "Aires und Neuquén. Auch Proteste von Gewerkschaften wie SUTNA und ATE wurden "
                "aufgelöst.\n\n"
                "Die Justiz hat Helferinnen aus Volksküchen ebenso vorgeladen wie bekannte "
                "Führungspersonen, etwa Eduardo Belliboni, Jeremías Cantero und Isolda Dotti. Auch "
                "die Zentrale des Partido Obrero wurde durchsucht; die Partei wandte sich mit "
                "Unterstützung aller Oppositionsfraktionen an den Interamerikanischen Gerichtshof "
                "für Menschenrechte.\n\n"
                "Ein Verfahren kostet Geld, das Menschen, die von ihrer Arbeit leben, nicht haben. "
                "Deshalb bauen wir einen Rechtshilfefonds für die angeklagten Aktivistinnen und "
                "Aktivisten auf; er startet bald. Bis dahin: Unterschreibe die Petition und teile "
                "diese Kampagne."
            ),
        },
        "image_alt": {},
        "updates": [
            {
                "days_ago": 2,
                "title": {
                    "es": "El fondo de defensa legal abrirá pronto",
                    "en": "The legal defence fund opens soon",
                    "pt": "O fundo de defesa jurídica abre em breve",
                    "fr": "Le fonds de défense juridique ouvre bientôt",
                    "de": "Der Rechtshilfefonds startet bald",
                },
                "body": {
                    "es": (
                        "Estamos preparando el fondo que cubrirá los gastos judiciales de los "
                        "activistas procesados. Avisaremos aquí cuando se puedan hacer aportes. "
                        "Hasta entonces, lo que más ayuda es firmar y difundir la petición."
                    ),
                    "en": (
                        "We are preparing the fund that will pay the legal costs of prosecuted "
                        "activists. We will post here as soon as contributions can be made. Until "
                        "then, signing and sharing the petition helps most."
                    ),
                    "pt": (
                        "Estamos preparando o fundo que vai cobrir os custos judiciais dos "
                        "ativistas processados. Avisaremos aqui quando for possível contribuir. "
                        "Até lá, o que mais ajuda é assinar e divulgar a petição."
                    ),
                    "fr": (
                        "Nous préparons le fonds qui couvrira les frais de justice des militants "
                        "poursuivis. Nous l'annoncerons ici dès que les dons seront possibles. "
                        "D'ici là, signer et partager la pétition reste le meilleur soutien."
                    ),
                    "de": (
                        "Wir bereiten den Fonds vor, der die Anwalts- und Gerichtskosten der "
                        "angeklagten Aktiven tragen soll. Sobald Spenden möglich sind, melden wir "
                        "uns hier. Bis dahin hilft es am meisten, die Petition zu unterschreiben "
                        "und weiterzugeben."
                    ),
                },
            },
            {
                "days_ago": 8,
                "title": {
                    "es": "La petición ya está en cinco idiomas",
                    "en": "The petition is now in five languages",
                    "pt": "A petição já está em cinco idiomas",
                    "fr": "La pétition existe désormais en cinq langues",
                    "de": "Die Petition gibt es jetzt in fünf Sprachen",
                },
                "body": {
                    "es": (
                        "Ahora se puede leer y firmar en español, inglés, portugués, francés y "
                        "alemán. Compártela con organizaciones y amistades de otros países."
                    ),
                    "en": (
                        "It can now be read and signed in Spanish, English, Portuguese, French and "
                        "German. Please share it with groups and friends in other countries."
                    ),
                    "pt": (
                        "Agora ela pode ser lida e assinada em espanhol, inglês, português, "
                        "francês e alemão. Compartilhe com organizações e amigos de outros países."
                    ),
                    "fr": (
                        "Elle peut être lue et signée en espagnol, anglais, portugais, français et "
                        "allemand. Partagez-la avec des organisations et des proches dans d'autres "
                        "pays."
                    ),
                    "de": (
                        "Sie kann jetzt auf Spanisch, Englisch, Portugiesisch, Französisch und "
                        "Deutsch gelesen und unterschrieben werden. Teile sie mit Gruppen und "
                        "Bekannten in anderen Ländern."
                    ),
                },
            },
        ],
    },
    {
        "slug": "global-day-general-strike",
        "owner": "left-voice",
        "partners": [
            "partido-de-los-trabajadores-socialistas-pts",
            "cuny4palestine",
            "workers-voice",
            "el-hormiguero",
            "freedom-socialist-party",
            "healthcare-workers-for-palestine",
            "tempest",
            "within-our-lifetime",
        ],
        "languages": ["en", "es", "fr", "de", "pt"],
        "status": "live",
        "title": {
            "en": "24 January: worldwide solidarity with Argentina's general strike",
            "es": "24 de enero: jornada mundial de solidaridad con el paro general en Argentina",
            "fr": "24 janvier : journée mondiale de solidarité avec la grève générale en Argentine",
            "de": "24. Januar: weltweiter Solidaritätstag mit dem Generalstreik in Argentinien",
            "pt": "24 de janeiro: dia mundial de solidariedade com a greve geral na Argentina",
        },
        "summary": {
            "en": (
                "Argentina's unions have called a general strike for Wednesday 24 January 2024. "
                "Join our online panel on Sunday 21 January, and the solidarity action outside the "
                "Argentine consulate in New York at 4 pm on strike day."
            ),
            "es": (
                "Los sindicatos argentinos convocaron a un paro general para el miércoles 24 de "
                "enero de 2024. Participa en nuestro panel en línea del domingo 21 de enero y en "
                "la acción solidaria frente al consulado argentino en Nueva York, el día del paro "
                "a las 4 de la tarde."
            ),
            "fr": (
                "Les syndicats argentins appellent à une grève générale le mercredi 24 janvier "
                "2024. Rejoignez notre table ronde en ligne le dimanche 21 janvier, puis le "
                "rassemblement devant le consulat d'Argentine à New York, à 16 h le jour de la "
                "grève."
            ),
            "de": (
                "Die argentinischen Gewerkschaften rufen für Mittwoch, den 24. Januar 2024, zum "
                "Generalstreik auf. Sei dabei: beim Online-Podium am Sonntag, 21. Januar, und bei "
                "der Solidaritätsaktion vor dem argentinischen Konsulat in New York am Streiktag "
                "um 16 Uhr."
            ),
            "pt": (
                "Os sindicatos argentinos convocaram uma greve geral para quarta-feira, 24 de "
                "janeiro de 2024. Participe do nosso painel online no domingo, 21 de janeiro, e do "
                "ato solidário diante do consulado argentino em Nova York, às 16h do dia da greve."
            ),
        },
        "story": {
            "en": (
                "In its first weeks, Javier Milei's government announced more than 300 measures: "
                "5,000 dismissals, deep cuts to social spending, privatisations and limits on the "
                "right to protest. Workers answered with assemblies, cacerolazos (pot-banging "
                "protests) and marches, and the unions called a general strike for Wednesday 24 "
                "January 2024.\n\n"
                "That day, organisations around the world will gather outside Argentine embassies "
                "and consulates, in Europe, Latin America and North America. Left Voice is taking "
                "part together with its sister organisation in Argentina, the Partido de los "
                "Trabajadores Socialistas (PTS).\n\n"
                "Online panel: on Sunday 21 January at 2:30 PM ET / 11:30 AM PT, two PTS members "
                "will talk about the situation in Argentina and the role of the left: Fer Scolnik, "
                "an editor of La Izquierda Diario, and Raúl Godoy, a worker at Zanon, a factory "
                "its workers have run themselves since 2001. Register to receive the link.\n\n"
                "Action in New York: on Wednesday 24 January at 4 pm, we meet outside the "
                "Argentine consulate. Bring pots and pans. Co-sponsors so far: CUNY4Palestine, "
                "Workers Voice, El Hormiguero, Freedom Socialist Party, Healthcare Workers for "
                "Palestine, Tempest and Within Our Lifetime.\n\n"
                "Would your organisation like to co-sponsor? Send a request from this page and we "
                "will add you to the list."
            ),
            "es": (
                "En sus primeras semanas, el gobierno de Javier Milei anunció más de 300 medidas: "
                "5.000 despidos, grandes recortes del gasto social, privatizaciones y límites al "
                "derecho a protestar. Trabajadoras y trabajadores respondieron con asambleas, "
                "cacerolazos y marchas, y los sindicatos convocaron a un paro general para el "
                "miércoles 24 de enero de 2024.\n\n"
                "Ese día, organizaciones de todo el mundo se concentrarán frente a embajadas y "
                "consulados argentinos, en Europa, América Latina y América del Norte. Left Voice "
                "participa junto con su organización hermana en Argentina, el Partido de los "
                "Trabajadores Socialistas (PTS).\n\n"
                "Panel en línea: el domingo 21 de enero a las 2:30 p. m. ET / 11:30 a. m. PT "
                "(16:30 en Buenos Aires), dos militantes del PTS hablarán sobre la situación "
                "argentina y el papel de la izquierda: Fer Scolnik, editor de La Izquierda Diario, "
                "y Raúl Godoy, obrero de Zanon, fábrica bajo control obrero desde 2001. Inscríbete "
                "para recibir el enlace.\n\n"
                "Acción en Nueva York: el miércoles 24 de enero a las 4 de la tarde nos reunimos "
                "frente al consulado argentino. Trae tu olla o cacerola. Por ahora copatrocinan "
                "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, Healthcare "
                "Workers for Palestine, Tempest y Within Our Lifetime.\n\n"
                "¿Tu organización quiere copatrocinar la acción? Envía una solicitud desde esta "
                "página y la sumaremos a la lista."
            ),
            "fr": (
                "En quelques semaines, le gouvernement de Javier Milei a annoncé plus de 300 "
                "mesures : 5 000 licenciements, de fortes coupes dans les dépenses sociales, des "
                "privatisations et des restrictions du droit de manifester. Les travailleuses et "
                "travailleurs ont répondu par des assemblées, des concerts de casseroles et des "
                "marches, et les syndicats ont appelé à une grève générale le mercredi 24 janvier "
                "2024.\n\n"
                "Ce jour-là, des organisations du monde entier se rassembleront devant les "
                "ambassades et consulats d'Argentine, en Europe, en Amérique latine et en Amérique "
                "du Nord. Left Voice y participe avec son organisation sœur en Argentine, le "
                "Partido de los Trabajadores Socialistas (PTS).\n\n"
                "Table ronde en ligne : le dimanche 21 janvier à 14 h 30 ET / 11 h 30 PT (20 h 30 "
                "à Paris), deux militants du PTS parleront de la situation en Argentine et du rôle "
                "de la gauche : Fer Scolnik, rédacteur à La Izquierda Diario, et Raúl Godoy, "
                "ouvrier de Zanon, usine sous contrôle ouvrier depuis 2001. Inscrivez-vous pour "
                "recevoir le lien.\n\n"
                "Rassemblement à New York : le mercredi 24 janvier à 16 h, rendez-vous devant le "
                "consulat d'Argentine. Apportez vos casseroles. Coparrainent déjà l'action : "
                "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, Healthcare "
                "Workers for Palestine, Tempest et Within Our Lifetime.\n\n"
                "Votre organisation souhaite coparrainer l'action ? Envoyez une demande depuis "
                "cette page et nous l'ajouterons à la liste."
            ),
            "de": (
                "In ihren ersten Wochen kündigte die Regierung von Javier Milei mehr als 300 "
                "Maßnahmen an: 5.000 Entlassungen, tiefe Einschnitte bei den Sozialausgaben, "
                "Privatisierungen und Einschränkungen des Demonstrationsrechts. Die Beschäftigten "
                "antworteten mit Versammlungen, Kochtopf-Protesten (Cacerolazos) und "
                "Demonstrationen, und die Gewerkschaften riefen für Mittwoch, den 24. Januar 2024, "
                "zum Generalstreik auf.\n\n"
                "An diesem Tag protestieren Organisationen in aller Welt vor argentinischen "
                "Botschaften und Konsulaten, in Europa, Lateinamerika und Nordamerika. Left Voice "
                "beteiligt sich gemeinsam mit seiner Schwesterorganisation in Argentinien, dem "
                "Partido de los Trabajadores Socialistas (PTS).\n\n"
                "Online-Podium: Am Sonntag, 21. Januar, um 14:30 Uhr ET / 11:30 Uhr PT (20:30 Uhr "
                "MEZ) sprechen zwei Mitglieder der PTS über die Lage in Argentinien und die Rolle "
                "der Linken: Fer Scolnik, Redakteur von La Izquierda Diario, und Raúl Godoy, "
                "Arbeiter bei Zanon, einer Fabrik unter Arbeiterkontrolle seit 2001. Melde dich "
                "an, um den Link zu erhalten.\n\n"
                "Aktion in New York: Am Mittwoch, 24. Januar, um 16 Uhr treffen wir uns vor dem "
                "argentinischen Konsulat. Bring Töpfe und Pfannen mit. Bisher tragen die Aktion "
                "mit: CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, "
                "Healthcare Workers for Palestine, Tempest und Within Our Lifetime.\n\n"
                "Möchte deine Organisation die Aktion mittragen? Schick uns über diese Seite eine "
                "Anfrage, dann nehmen wir sie in die Liste auf."
            ),
            "pt": (
                "Em poucas semanas de governo, Javier Milei anunciou mais de 300 medidas: 5.000 "
                "demissões, cortes profundos nos gastos sociais, privatizações e restrições ao "
                "direito de protesto. Trabalhadoras e trabalhadores responderam com assembleias, "
                "panelaços e marchas, e os sindicatos convocaram uma greve geral para "
                "quarta-feira, 24 de janeiro de 2024.\n\n"
                "Nesse dia, organizações do mundo todo farão atos diante de embaixadas e "
                "consulados argentinos, na Europa, na América Latina e na América do Norte. A Left "
                "Voice participa junto com sua organização irmã na Argentina, o Partido de los "
                "Trabajadores Socialistas (PTS).\n\n"
                "Painel online: no domingo, 21 de janeiro, às 14h30 ET / 11h30 PT (16h30 em Buenos "
                "Aires), dois militantes do PTS vão falar sobre a situação argentina e o papel da "
                "esquerda: Fer Scolnik, editor do La Izquierda Diario, e Raúl Godoy, operário da "
                "Zanon, fábrica sob controle operário desde 2001. Inscreva-se para receber o "
                "link.\n\n"
                "Ato em Nova York: na quarta-feira, 24 de janeiro, às 16h, nos encontramos diante "
                "do consulado argentino. Traga sua panela. Até agora, copatrocinam o ato "
                "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, Healthcare "
                "Workers for Palestine, Tempest e Within Our Lifetime.\n\n"
                "Sua organização quer copatrocinar? Envie um pedido por esta página e nós a "
                "incluiremos na lista."
            ),
        },
        "image_alt": {},
        "updates": [
            {
                "days_ago": 1,
                "title": {
                    "en": "Panel speakers confirmed",
                    "es": "Confirmados los oradores del panel",
                    "fr": "Les intervenants de la table ronde sont confirmés",
                    "de": "Die Gäste des Podiums stehen fest",
                    "pt": "Palestrantes do painel confirmados",
                },
                "body": {
                    "en": (
                        "Fer Scolnik (La Izquierda Diario) and Raúl Godoy (Zanon) will speak at "
                        "the online panel on Sunday 21 January, 2:30 PM ET / 11:30 AM PT. "
                        "Registration is open on this page."
                    ),
                    "es": (
                        "Fer Scolnik (La Izquierda Diario) y Raúl Godoy (Zanon) hablarán en el "
                        "panel en línea del domingo 21 de enero, a las 2:30 p. m. ET / 11:30 a. m. "
                        "PT. La inscripción está abierta en esta página."
                    ),
                    "fr": (
                        "Fer Scolnik (La Izquierda Diario) et Raúl Godoy (Zanon) interviendront "
                        "lors de la table ronde en ligne du dimanche 21 janvier, à 14 h 30 ET / 11 "
                        "h 30 PT. Les inscriptions sont ouvertes sur cette page."
                    ),
                    "de": (
                        "Fer Scolnik (La Izquierda Diario) und Raúl Godoy (Zanon) sprechen beim "
                        "Online-Podium am Sonntag, 21. Januar, um 14:30 Uhr ET / 11:30 Uhr PT. Die "
                        "Anmeldung ist auf dieser Seite möglich."
                    ),
                    "pt": (
                        "Fer Scolnik (La Izquierda Diario) e Raúl Godoy (Zanon) falarão no painel "
                        "online de domingo, 21 de janeiro, às 14h30 ET / 11h30 PT. As inscrições "
                        "estão abertas nesta página."
                    ),
                },
            },
            {
                "days_ago": 3,
                "title": {
                    "en": "Seven co-sponsors for the New York action",
                    "es": "Siete copatrocinadores para la acción en Nueva York",
                    "fr": "Sept coparrains pour le rassemblement de New York",
                    "de": "Sieben Mitträger für die Aktion in New York",
                    "pt": "Sete copatrocinadores para o ato em Nova York",
                },
                "body": {
                    "en": (
                        "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, "
                        "Healthcare Workers for Palestine, Tempest and Within Our Lifetime have "
                        "signed on. Other organisations can still ask to join."
                    ),
                    "es": (
                        "Ya se sumaron CUNY4Palestine, Workers Voice, El Hormiguero, Freedom "
                        "Socialist Party, Healthcare Workers for Palestine, Tempest y Within Our "
                        "Lifetime. Otras organizaciones todavía pueden pedir sumarse."
                    ),
                    "fr": (
                        "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, "
                        "Healthcare Workers for Palestine, Tempest et Within Our Lifetime se sont "
                        "joints à l'appel. D'autres organisations peuvent encore demander à s'y "
                        "associer."
                    ),
                    "de": (
                        "CUNY4Palestine, Workers Voice, El Hormiguero, Freedom Socialist Party, "
                        "Healthcare Workers for Palestine, Tempest und Within Our Lifetime sind "
                        "dabei. Weitere Organisationen können noch anfragen."
                    ),
                    "pt": (
                        "Já aderiram CUNY4Palestine, Workers Voice, El Hormiguero, Freedom "
                        "Socialist Party, Healthcare Workers for Palestine, Tempest e Within Our "
                        "Lifetime. Outras organizações ainda podem pedir para participar."
                    ),
                },
            },
        ],
    },
    {
        "slug": "defend-argentine-democracy",
        "owner": "democratic-socialists-of-america-international-committee",
        "partners": [
            "sumar",
            "movimento-dos-trabalhadores-rurais-sem-terra-mst",
            "podemos",
            "izquierda-unida",
            "belgian-workers-party",
            "diem25",
            "party-of-the-european-left",
            "frente-amplio",
            "communist-party-of-chile",
            "comisiones-obreras",
            "convergencia-social",
            "colombia-humana",
            "nuevo-peru",
            "revolucion-democratica",
            "partido-socialismo-e-liberdade",
            "movimento-dos-trabalhadores-sem-teto-mtst",
            "parti-communiste-francais",
            "pacto-ecosocial-e-intercultural-del-sur",
            "todos-somos-colombia",
            "confederacao-nacional-dos-trabalhadores-do-ramo-financeiro",
            "patria-progresista",
        ],
        "languages": ["en", "es", "pt", "fr", "de"],
        "status": "live",
        "title": {
            "en": "Open letter: defend democracy in Argentina",
            "es": "Carta abierta: defendamos la democracia argentina",
            "pt": "Carta aberta: em defesa da democracia argentina",
            "fr": "Lettre ouverte : défendre la démocratie en Argentine",
            "de": "Offener Brief: Die Demokratie in Argentinien verteidigen",
        },
        "summary": {
            "en": (
                "Ahead of the presidential runoff of 19 November 2023, 22 organisations from "
                "Europe and the Americas called on democratic forces everywhere to defend the "
                "rights Argentina has held since the end of the dictatorship 40 years ago."
            ),
            "es": (
                "Antes del balotaje del 19 de noviembre de 2023, 22 organizaciones de Europa y "
                "América llamaron a las fuerzas democráticas de todo el mundo a defender los "
                "derechos que Argentina conquistó al terminar la dictadura, hace 40 años."
            ),
            "pt": (
                "Antes do segundo turno de 19 de novembro de 2023, 22 organizações da Europa e das "
                "Américas convocaram as forças democráticas do mundo a defender os direitos que a "
                "Argentina conquistou com o fim da ditadura, há 40 anos."
            ),
            "fr": (
                "Avant le second tour de la présidentielle du 19 novembre 2023, 22 organisations "
                "d'Europe et des Amériques ont appelé les forces démocratiques du monde entier à "
                "défendre les droits conquis par l'Argentine à la fin de la dictature, il y a 40 "
                "ans."
            ),
            "de": (
                "Vor der Stichwahl am 19. November 2023 riefen 22 Organisationen aus Europa und "
                "Amerika alle demokratischen Kräfte auf, die Rechte zu verteidigen, die "
                "Argentinien seit dem Ende der Diktatur vor 40 Jahren hat."
            ),
        },
        "story": {
            "en": (
                "On 19 November 2023, Argentina chose its president in a runoff between Sergio "
                "Massa (Unión por la Patria) and Javier Milei (La Libertad Avanza). The result "
                "mattered far beyond the country: for Latin America, and for democracy elsewhere.\n"
                "\nMilei campaigned on dismantling the state: shutting the ministries of Health, "
                "Education and Labour, and ending rights to public education and reproductive "
                "health. He also says climate change is a socialist lie.\n\n"
                "Argentina regained democracy 40 years ago, after seven years of a military "
                "dictatorship that killed and disappeared thousands of people. Milei has attacked "
                "the Mothers and Grandmothers of Plaza de Mayo, who for decades have searched for "
                "their relatives. Victoria Villarruel, his candidate for vice-president, has said "
                "the 30,000 disappeared are a myth.\n\n"
                "For the first round on 22 October, Milei hosted Eduardo Bolsonaro, Chile's José "
                "Antonio Kast and people from Spain's VOX party at his campaign headquarters, and "
                "calls himself a natural ally of Trump and Bolsonaro. After coming second, he "
                "claimed fraud without evidence, and his campaign called for a national march.\n\n"
                "The letter urges every democratic force to answer this threat and to protect the "
                "rights won when the dictatorship ended. It is signed by 22 parties, unions and "
                "social movements from nine countries (Spain, Brazil, Chile, Colombia, Uruguay, "
                "Peru, Belgium, France and the United States) and by three regional networks from "
                "Europe and Latin America."
            ),
            "es": (
                "El 19 de noviembre de 2023, Argentina eligió presidente en una segunda vuelta "
                "entre Sergio Massa (Unión por la Patria) y Javier Milei (La Libertad Avanza). El "
                "resultado importaba mucho más allá del país: para América Latina y para la "
                "democracia en otras partes del mundo.\n\n"
                "Milei hizo campaña con la promesa de desmantelar el Estado: cerrar ministerios "
                "como Educación, Trabajo y Salud, y eliminar derechos como la educación pública y "
                "la salud reproductiva. También dijo que el cambio climático es una mentira "
                "socialista.\n\n"
                "Argentina recuperó la democracia hace 40 años, después de siete años de una "
                "dictadura militar que asesinó e hizo desaparecer a miles de personas. Milei atacó "
                "a las Madres y Abuelas de Plaza de Mayo, que llevan décadas buscando a sus "
                "familiares. Su compañera de fórmula, Victoria Villarruel, calificó de mito a los "
                "30.000 desaparecidos.\n\n"
                "Para la primera vuelta del 22 de octubre, Milei invitó a su búnker a "
                "representantes de VOX, a José Antonio Kast y a Eduardo Bolsonaro, y se declara "
                "aliado natural de Trump y Bolsonaro. Tras quedar segundo, denunció fraude sin "
                "presentar pruebas, y su campaña convocó a una marcha nacional.\n\n"
                "La carta pide a todas las fuerzas democráticas que respondan a esta amenaza y "
                "protejan los derechos conquistados al fin de la dictadura. La firman 22 partidos, "
                "sindicatos y movimientos sociales de nueve países (España, Brasil, Chile, "
                "Colombia, Uruguay, Perú, Bélgica, Francia y Estados Unidos) y tres redes "
                "regionales de Europa y América Latina."
            ),
            "pt": (
                "Em 19 de novembro de 2023, a Argentina escolheu seu presidente num segundo turno "
                "entre Sergio Massa (Unión por la Patria) e Javier Milei (La Libertad Avanza). O "
                "resultado tinha peso muito além do país: para a América Latina e para a "
                "democracia em outras partes do mundo.\n\n"
                "Milei fez campanha prometendo desmontar o Estado: fechar ministérios como "
                "Educação, Trabalho e Saúde e acabar com direitos como a educação pública e a "
                "saúde reprodutiva. Ele também chamou a mudança climática de mentira socialista.\n"
                "\nA Argentina reconquistou a democracia há 40 anos, depois de sete anos de uma "
                "ditadura militar que matou e fez desaparecer milhares de pessoas. Milei atacou as "
                "Mães e Avós da Praça de Maio, que passaram décadas procurando seus familiares. "
                "Sua companheira de chapa, Victoria Villarruel, chamou de mito os 30 mil "
                "desaparecidos.\n\n"
                "No primeiro turno, em 22 de outubro, Milei recebeu em seu comitê de campanha "
                "representantes do VOX, José Antonio Kast e Eduardo Bolsonaro, e se diz aliado "
                "natural de Trump e Bolsonaro. Depois de ficar em segundo lugar, alegou fraude sem "
                "apresentar provas, e sua campanha convocou uma marcha nacional.\n\n"
                "A carta pede a todas as forças democráticas que respondam a essa ameaça e "
                "protejam os direitos conquistados com o fim da ditadura. Ela é assinada por 22 "
                "partidos, sindicatos e movimentos sociais de nove países (Espanha, Brasil, Chile, "
                "Colômbia, Uruguai, Peru, Bélgica, França e Estados Unidos) e por três redes "
                "regionais da Europa e da América Latina."
            ),
            "fr": (
                "Le 19 novembre 2023, l'Argentine a élu son président lors d'un second tour entre "
                "Sergio Massa (Unión por la Patria) et Javier Milei (La Libertad Avanza). L'enjeu "
                "dépassait largement le pays : il concernait l'Amérique latine et la démocratie "
                "ailleurs dans le monde.\n\n"
                "Milei a fait campagne en promettant de démanteler l'État : supprimer des "
                "ministères comme l'Éducation, le Travail et la Santé, et revenir sur le droit à "
                "l'éducation publique et à la santé reproductive. Il a aussi qualifié le "
                "changement climatique de mensonge socialiste.\n\n"
                "L'Argentine a retrouvé la démocratie il y a 40 ans, après sept années d'une "
                "dictature militaire qui a tué et fait disparaître des milliers de personnes. "
                "Milei s'en est pris aux Mères et Grands-Mères de la place de Mai, qui cherchent "
                "leurs proches depuis des décennies. Sa colistière, Victoria Villarruel, a "
                "qualifié de mythe les 30 000 disparus.\n\n"
                "Pour le premier tour du 22 octobre, Milei a invité à son quartier général des "
                "représentants de VOX, José Antonio Kast et Eduardo Bolsonaro, et il se présente "
                "comme un allié naturel de Trump et de Bolsonaro. Arrivé deuxième, il a dénoncé "
                "une fraude sans preuve, et son équipe a appelé à une marche nationale.\n\n"
                "La lettre demande à toutes les forces démocratiques de répondre à cette menace et "
                "de protéger les droits acquis à la fin de la dictature. Elle est signée par 22 "
                "partis, syndicats et mouvements sociaux de neuf pays (Espagne, Brésil, Chili, "
                "Colombie, Uruguay, Pérou, Belgique, France et États-Unis) et par trois réseaux "
                "régionaux d'Europe et d'Amérique latine."
            ),
            "de": (
                "Am 19. November 2023 wählte Argentinien seinen Präsidenten in einer Stichwahl "
                "zwischen Sergio Massa (Unión por la Patria) und Javier Milei (La Libertad "
                "Avanza). Der Ausgang war weit über das Land hinaus wichtig: für Lateinamerika und "
                "für die Demokratie anderswo.\n\n"
                "Milei warb damit, den Staat abzubauen: Ministerien wie Bildung, Arbeit und "
                "Gesundheit abzuschaffen und Rechte auf öffentliche Bildung und reproduktive "
                "Gesundheit zu streichen. Den Klimawandel nannte er eine sozialistische Lüge.\n\n"
                "Argentinien gewann vor 40 Jahren die Demokratie zurück, nach sieben Jahren "
                "Militärdiktatur, in denen Tausende Menschen ermordet wurden oder verschwanden. "
                "Milei griff die Mütter und Großmütter der Plaza de Mayo an, die seit Jahrzehnten "
                "nach ihren Angehörigen suchen. Seine Vizekandidatin Victoria Villarruel nannte "
                "die 30.000 Verschwundenen einen Mythos.\n\n"
                "Zum ersten Wahlgang am 22. Oktober lud Milei Vertreter von VOX, José Antonio Kast "
                "und Eduardo Bolsonaro in sein Wahlkampfquartier ein; er sieht sich als "
                "natürlichen Verbündeten von Trump und Bolsonaro. Nachdem er nur Zweiter wurde, "
                "sprach er ohne Belege von Betrug, und sein Team rief zu einem landesweiten Marsch "
                "auf.\n\n"
                "Der Brief fordert alle demokratischen Kräfte auf, dieser Bedrohung "
                "entgegenzutreten und die nach der Diktatur erkämpften Rechte zu schützen. "
                "Unterzeichnet haben ihn 22 Parteien, Gewerkschaften und soziale Bewegungen aus "
                "neun Ländern (Spanien, Brasilien, Chile, Kolumbien, Uruguay, Peru, Belgien, "
                "Frankreich und USA) sowie drei regionale Netzwerke aus Europa und Lateinamerika."
            ),
        },
        "image_alt": {},
        "updates": [
            {
                "days_ago": 5,
                "title": {
                    "en": "22 organisations have signed",
                    "es": "Ya firmaron 22 organizaciones",
                    "pt": "22 organizações já assinaram",
                    "fr": "22 organisations ont signé",
                    "de": "22 Organisationen haben unterschrieben",
                },
                "body": {
                    "en": (
                        "Parties, unions and movements from Spain, Brazil, Chile, Colombia, "
                        "Uruguay, Peru, Belgium, France and the United States have signed, along "
                        "with DiEM25, the Party of the European Left and the Pacto Ecosocial e "
                        "Intercultural del Sur. The full list is on this page."
                    ),
                    "es": (
                        "Firmaron partidos, sindicatos y movimientos de España, Brasil, Chile, "
                        "Colombia, Uruguay, Perú, Bélgica, Francia y Estados Unidos, además de "
                        "DiEM25, el Partido de la Izquierda Europea y el Pacto Ecosocial e "
                        "Intercultural del Sur. La lista completa está en esta página."
                    ),
                    "pt": (
                        "Assinaram partidos, sindicatos e movimentos da Espanha, do Brasil, do "
                        "Chile, da Colômbia, do Uruguai, do Peru, da Bélgica, da França e dos "
                        "Estados Unidos, além do DiEM25, do Partido da Esquerda Europeia e do "
                        "Pacto Ecosocial e Intercultural del Sur. A lista completa está nesta "
                        "página."
                    ),
                    "fr": (
                        "Des partis, syndicats et mouvements d'Espagne, du Brésil, du Chili, de "
                        "Colombie, d'Uruguay, du Pérou, de Belgique, de France et des États-Unis "
                        "ont signé, ainsi que DiEM25, le Parti de la gauche européenne et le Pacto "
                        "Ecosocial e Intercultural del Sur. La liste complète figure sur cette "
                        "page."
                    ),
                    "de": (
                        "Unterzeichnet haben Parteien, Gewerkschaften und Bewegungen aus Spanien, "
                        "Brasilien, Chile, Kolumbien, Uruguay, Peru, Belgien, Frankreich und den "
                        "USA, außerdem DiEM25, die Europäische Linke und der Pacto Ecosocial e "
                        "Intercultural del Sur. Die vollständige Liste steht auf dieser Seite."
                    ),
                },
            },
        ],
    },
    {
        "slug": "recovered-workplaces-solidarity",
        "owner": "international-committee-for-solidarity-with-self-management-in-argentina",
        "partners": ["workers-economy-network"],
        "languages": ["es", "en", "de", "pt", "fr"],
        "status": "live",
        "title": {
            "es": "Solidaridad con las empresas recuperadas y la autogestión en Argentina",
            "en": "Solidarity with Argentina's worker-recovered workplaces",
            "de": "Solidarität mit den selbstverwalteten Betrieben in Argentinien",
            "pt": "Solidariedade com as empresas recuperadas e a autogestão na Argentina",
            "fr": "Solidarité avec les entreprises récupérées et l'autogestion en Argentine",
        },
        "summary": {
            "es": (
                "En Argentina, más de 400 cooperativas funcionan sin patrón desde que sus "
                "trabajadores las recuperaron, y hoy pasan por una crisis grave. Un comité "
                "internacional quiere apoyarlas con difusión, campañas solidarias y la venta de "
                "sus productos en el exterior."
            ),
            "en": (
                "More than 400 cooperatives in Argentina are run by the workers who took them over "
                "when their owners walked away, and they are now in serious trouble. An "
                "international committee wants to help through awareness, solidarity campaigns and "
                "selling their products abroad."
            ),
            "de": (
                "In Argentinien arbeiten über 400 Kooperativen ohne Chef, seit ihre Belegschaften "
                "sie übernommen haben, und heute stecken sie in einer schweren Krise. Ein "
                "internationales Komitee will sie mit Öffentlichkeitsarbeit, Solidaritätskampagnen "
                "und dem Verkauf ihrer Produkte im Ausland unterstützen."
            ),
            "pt": (
                "Na Argentina, mais de 400 cooperativas funcionam sem patrão desde que seus "
                "trabalhadores as recuperaram, e hoje enfrentam uma crise grave. Um comitê "
                "internacional quer apoiá-las com divulgação, campanhas solidárias e a venda de "
                "seus produtos no exterior."
            ),
            "fr": (
                "En Argentine, plus de 400 coopératives fonctionnent sans patron depuis que leurs "
                "travailleurs les ont reprises, et elles traversent aujourd'hui une crise grave. "
                "Un comité international veut les soutenir par l'information, des campagnes de "
                "solidarité et la vente de leurs produits à l'étranger."
            ),
        },
        "story": {
            "es": (
                "En Argentina, unas 14.000 personas viven de su trabajo en más de 400 cooperativas "
                "que antes eran empresas abandonadas por sus dueños. Los propios trabajadores las "
                "ocuparon y las volvieron a poner en marcha. Hay fábricas, productoras de "
                "alimentos, escuelas, clínicas y servicios de todo tipo.\n\n"
                "Las primeras recuperaciones ocurrieron en los años noventa. Después de la crisis "
                "de 2001 se multiplicaron, y el movimiento se hizo conocido en todo el mundo como "
                "prueba de que se puede producir sin patrones.\n\n"
                "Desde diciembre de 2023, con el gobierno de Javier Milei, la situación empeoró: "
                "caen la producción y el consumo, y las cooperativas enfrentan fallos judiciales "
                "adversos, campañas en los medios y más represión. Unas veinte cerraron, y en "
                "muchas otras la actividad cayó entre un 20 % y un 80 %.\n\n"
                "Por eso, organizaciones y personas de distintos países, muchas de ellas "
                "vinculadas a la red internacional La Economía de los Trabajadores, formaron el "
                "Comité Internacional de Solidaridad con la Autogestión en Argentina. Sus "
                "objetivos: dar a conocer la situación, organizar campañas solidarias y ayudar a "
                "vender los productos de las cooperativas en otros países.\n\n"
                "Puedes sumarte al comité y proponer u organizar acciones. Contacto: "
                "solidaridadERT@proton.me (español e inglés) o gruppe_arbeitszeit@riseup.net "
                "(alemán)."
            ),
            "en": (
                "About 14,000 people in Argentina earn their living in more than 400 cooperatives "
                "that were once businesses abandoned by their owners. The workers occupied them "
                "and got them running again. They include factories, food producers, schools, "
                "health clinics and many kinds of services.\n\n"
                "The first recoveries took place in the 1990s. After the 2001 crisis they "
                "multiplied, and the movement became known worldwide as proof that production can "
                "be organised without bosses.\n\n"
                "Since Javier Milei took office in December 2023, conditions have worsened: output "
                "and consumption are falling, and the cooperatives face hostile court rulings, "
                "media campaigns and more repression. About twenty have closed, and many others "
                "have seen their activity drop by 20% to 80%.\n\n"
                "That is why organisations and individuals from several countries, many of them "
                "members of the Workers' Economy Network, set up the International Committee for "
                "Solidarity with Self-Management in Argentina. It aims to make the situation "
                "known, organise solidarity campaigns and help the cooperatives sell their "
                "products abroad.\n\n"
                "You can join the committee and propose or organise actions. Write to "
                "solidaridadERT@proton.me (Spanish and English) or gruppe_arbeitszeit@riseup.net "
                "(German)."
            ),
            "de": (
                "In Argentinien leben rund 14.000 Menschen von ihrer Arbeit in mehr als 400 "
                "Kooperativen. Früher waren das Betriebe, die ihre Eigentümer aufgegeben hatten; "
                "die Beschäftigten haben sie besetzt und wieder in Gang gebracht. Dazu gehören "
                "Fabriken, Lebensmittelbetriebe, Schulen, Kliniken und Dienstleister aller Art.\n\n"
                "Die ersten Übernahmen gab es in den 1990er-Jahren. Nach der Krise von 2001 wurden "
                "es viel mehr, und die Bewegung wurde weltweit als Beweis bekannt, dass Produktion "
                "ohne Chefs möglich ist.\n\n"
                "Seit Javier Milei im Dezember 2023 an die Regierung kam, hat sich die Lage "
                "verschlechtert: Produktion und Konsum sinken, und die Kooperativen sind mit "
                "feindseligen Gerichtsentscheidungen, Medienkampagnen und mehr Repression "
                "konfrontiert. Etwa zwanzig mussten schließen, bei vielen anderen ist die "
                "Aktivität um 20 bis 80 Prozent gesunken.\n\n"
                "Deshalb haben Organisationen und Einzelpersonen aus mehreren Ländern, viele davon "
                "aktiv im internationalen Netzwerk Workers' Economy (La Economía de los "
                "Trabajadores), das Internationale Komitee für Solidarität mit der "
                "Selbstverwaltung in Argentinien gegründet. Es will über die Lage informieren, "
                "Solidaritätskampagnen organisieren und helfen, die Produkte der Kooperativen im "
                "Ausland zu verkaufen.\n\n"
                "Du kannst im Komitee mitmachen und Aktionen vorschlagen oder organisieren. "
                "Kontakt auf Deutsch: gruppe_arbeitszeit@riseup.net; auf Spanisch und Englisch: "
                "solidaridadERT@proton.me."
            ),
            "pt": (
                "Na Argentina, cerca de 14 mil pessoas vivem do trabalho em mais de 400 "
                "cooperativas que antes eram empresas abandonadas pelos donos. Os próprios "
                "trabalhadores as ocuparam e as fizeram funcionar de novo. Há fábricas, produtores "
                "de alimentos, escolas, clínicas e serviços de todo tipo.\n\n"
                "As primeiras recuperações aconteceram nos anos 1990. Depois da crise de 2001 elas "
                "se multiplicaram, e o movimento ficou conhecido no mundo inteiro como prova de "
                "que é possível produzir sem patrões.\n\n"
                "Desde dezembro de 2023, com o governo de Javier Milei, a situação piorou: a "
                "produção e o consumo caem, e as cooperativas enfrentam decisões judiciais hostis, "
                "campanhas na mídia e mais repressão. Cerca de vinte fecharam, e muitas outras "
                "tiveram queda de 20% a 80% na atividade.\n\n"
                "Por isso, organizações e pessoas de vários países, muitas delas ligadas à rede "
                "internacional A Economia dos Trabalhadores, criaram o Comitê Internacional de "
                "Solidariedade com a Autogestão na Argentina. Seus objetivos: divulgar a situação, "
                "organizar campanhas de solidariedade e ajudar a vender os produtos das "
                "cooperativas em outros países.\n\n"
                "Você pode entrar no comitê e propor ou organizar ações. Contato: "
                "solidaridadERT@proton.me (espanhol e inglês) ou gruppe_arbeitszeit@riseup.net "
                "(alemão)."
            ),
            "fr": (
                "En Argentine, environ 14 000 personnes vivent de leur travail dans plus de 400 "
                "coopératives qui étaient autrefois des entreprises abandonnées par leurs "
                "propriétaires. Les salariés les ont occupées puis remises en marche. On y trouve "
                "des usines, des producteurs alimentaires, des écoles, des cliniques et des "
                "services de toutes sortes.\n\n"
                "Les premières reprises datent des années 1990. Après la crise de 2001, elles se "
                "sont multipliées, et le mouvement est devenu connu dans le monde entier comme la "
                "preuve qu'on peut produire sans patrons.\n\n"
                "Depuis l'arrivée de Javier Milei au pouvoir en décembre 2023, la situation s'est "
                "dégradée : la production et la consommation reculent, et les coopératives font "
                "face à des décisions judiciaires hostiles, à des campagnes de presse et à une "
                "répression accrue. Une vingtaine ont fermé, et beaucoup d'autres ont vu leur "
                "activité baisser de 20 % à 80 %.\n\n"
                "C'est pourquoi des organisations et des personnes de plusieurs pays, dont "
                "beaucoup participent au réseau international L'économie des travailleurs, ont "
                "créé le Comité international de solidarité avec l'autogestion en Argentine. Ses "
                "objectifs : faire connaître la situation, organiser des campagnes de solidarité "
                "et aider les coopératives à vendre leurs produits à l'étranger.\n\n"
                "Vous pouvez rejoindre le comité et proposer ou organiser des actions. Contact : "
                "solidaridadERT@proton.me (espagnol et anglais) ou gruppe_arbeitszeit@riseup.net "
                "(allemand)."
            ),
        },
        "image_alt": {},
        "updates": [
            {
                "days_ago": 2,
                "title": {
                    "es": "Productos de las cooperativas fuera de Argentina",
                    "en": "Cooperative products beyond Argentina",
                    "de": "Produkte der Kooperativen auch außerhalb Argentiniens",
                    "pt": "Produtos das cooperativas fora da Argentina",
                    "fr": "Les produits des coopératives hors d'Argentine",
                },
                "body": {
                    "es": (
                        "Uno de los objetivos del comité es que los productos de las cooperativas "
                        "se vendan en otros países. Si tu grupo puede ayudar con la difusión o la "
                        "distribución, proponlo como acción desde esta página."
                    ),
                    "en": (
                        "One of the committee's aims is to get the cooperatives' products sold in "
                        "other countries. If your group can help with promotion or distribution, "
                        "propose it as an action on this page."
                    ),
                    "de": (
                        "Ein Ziel des Komitees ist, dass die Produkte der Kooperativen auch in "
                        "anderen Ländern verkauft werden. Wenn deine Gruppe bei Bekanntmachung "
                        "oder Vertrieb helfen kann, schlag es auf dieser Seite als Aktion vor."
                    ),
                    "pt": (
                        "Um dos objetivos do comitê é levar os produtos das cooperativas a outros "
                        "países. Se o seu grupo pode ajudar na divulgação ou na distribuição, "
                        "proponha isso como ação nesta página."
                    ),
                    "fr": (
                        "L'un des objectifs du comité est de faire vendre les produits des "
                        "coopératives dans d'autres pays. Si votre groupe peut aider à la "
                        "promotion ou à la distribution, proposez-le comme action sur cette page."
                    ),
                },
            },
            {
                "days_ago": 6,
                "title": {
                    "es": "El comité recibe nuevas adhesiones",
                    "en": "The committee welcomes new members",
                    "de": "Das Komitee freut sich über neue Mitglieder",
                    "pt": "O comitê recebe novas adesões",
                    "fr": "Le comité accueille de nouveaux membres",
                },
                "body": {
                    "es": (
                        "Personas y organizaciones de cualquier país pueden sumarse al comité. "
                        "Escríbenos en español o inglés a solidaridadERT@proton.me, o en alemán a "
                        "gruppe_arbeitszeit@riseup.net."
                    ),
                    "en": (
                        "People and organisations from any country can join the committee. Write "
                        "to us in Spanish or English at solidaridadERT@proton.me, or in German at "
                        "gruppe_arbeitszeit@riseup.net."
                    ),
                    "de": (
                        "Menschen und Organisationen aus allen Ländern können mitmachen. Schreib "
                        "uns auf Deutsch an gruppe_arbeitszeit@riseup.net oder auf Spanisch und "
                        "Englisch an solidaridadERT@proton.me."
                    ),
                    "pt": (
                        "Pessoas e organizações de qualquer país podem entrar no comitê. Escreva "
                        "em espanhol ou inglês para solidaridadERT@proton.me, ou em alemão para "
                        "gruppe_arbeitszeit@riseup.net."
                    ),
                    "fr": (
                        "Personnes et organisations de tous les pays peuvent rejoindre le comité. "
                        "Écrivez-nous en espagnol ou en anglais à solidaridadERT@proton.me, ou en "
                        "allemand à gruppe_arbeitszeit@riseup.net."
                    ),
                },
            },
        ],
    },
]
