"""Realistic synthetic Brazilian customers and suppliers, for the demo and benchmarks.

Everything comes from one seeded `random.Random`, so the same seed gives the
same parties. Names, surnames and cities are weighted roughly like reality
(many Silvas and São Paulo, few Quintanilhas and Palmas), because search
speed depends on how common a word is. CPFs and CNPJs are derived from a
counter through a seed-dependent permutation, so they never repeat within a
run and no collision check is needed while generating.
"""

import bisect
import itertools
import random
from collections.abc import Iterator

from stdnum.br import cnpj

from clientela.core.text import fold


class Weighted:
    """Pick among items with relative weights, quickly (one bisect per pick)."""

    def __init__(self, pairs):
        self.items = [item for item, _weight in pairs]
        self.cumulative = list(itertools.accumulate(weight for _item, weight in pairs))
        self.total = self.cumulative[-1]

    @classmethod
    def of(cls, items, weights) -> "Weighted":
        """From two parallel sequences: no list of pairs for a large population."""
        chooser = cls.__new__(cls)
        chooser.items = items
        chooser.cumulative = list(itertools.accumulate(weights))
        chooser.total = chooser.cumulative[-1]
        return chooser

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


# Data tables stay compact (one line per several entries) for reading.
# fmt: off
# --- people ------------------------------------------------------------------------------
FEMALE_NAMES = Weighted([
    ("Maria", 120), ("Ana", 32), ("Francisca", 7), ("Antônia", 6), ("Adriana", 6), ("Juliana", 6),
    ("Márcia", 6), ("Fernanda", 6), ("Patrícia", 6), ("Aline", 6), ("Sandra", 5), ("Camila", 5),
    ("Amanda", 5), ("Bruna", 5), ("Jéssica", 5), ("Letícia", 5), ("Júlia", 5), ("Luciana", 5),
    ("Vanessa", 5), ("Mariana", 5), ("Gabriela", 5), ("Vera", 4), ("Vitória", 4), ("Larissa", 4),
    ("Cláudia", 4), ("Beatriz", 4), ("Luana", 4), ("Rita", 4), ("Sônia", 4), ("Renata", 4),
    ("Eliane", 4), ("Josefa", 4), ("Simone", 4), ("Natália", 4), ("Cristina", 3), ("Carla", 3),
    ("Débora", 3), ("Rosângela", 3), ("Jaqueline", 3), ("Rosa", 3), ("Daniela", 3),
    ("Aparecida", 3), ("Marlene", 3), ("Terezinha", 3), ("Raimunda", 3), ("Andréa", 3),
    ("Fabiana", 3), ("Lúcia", 3), ("Raquel", 3), ("Ângela", 3), ("Rafaela", 3), ("Joana", 2),
    ("Luzia", 2), ("Elaine", 2), ("Daniele", 2), ("Regina", 2), ("Daiane", 2), ("Suelen", 2),
    ("Alessandra", 2), ("Isabel", 2), ("Luíza", 3), ("Heloísa", 2), ("Cecília", 2), ("Helena", 3),
    ("Sofia", 2), ("Alice", 3), ("Laura", 3), ("Valentina", 2), ("Manuela", 2), ("Lívia", 2),
    ("Yasmin", 2), ("Thaís", 2), ("Priscila", 2), ("Tatiane", 2), ("Kátia", 1), ("Gisele", 1),
    ("Iara", 1),
])
MALE_NAMES = Weighted([
    ("José", 58), ("João", 30), ("Antônio", 25), ("Francisco", 18), ("Carlos", 15), ("Paulo", 14),
    ("Pedro", 12), ("Lucas", 11), ("Luiz", 11), ("Marcos", 11), ("Luís", 9), ("Gabriel", 9),
    ("Rafael", 8), ("Daniel", 8), ("Marcelo", 8), ("Bruno", 8), ("Eduardo", 7), ("Felipe", 7),
    ("Raimundo", 7), ("Rodrigo", 7), ("Manoel", 6), ("Mateus", 6), ("André", 6), ("Fernando", 6),
    ("Fábio", 6), ("Leonardo", 6), ("Gustavo", 6), ("Guilherme", 6), ("Leandro", 5), ("Tiago", 5),
    ("Thiago", 5), ("Anderson", 5), ("Ricardo", 5), ("Márcio", 5), ("Jorge", 5), ("Sebastião", 5),
    ("Alexandre", 5), ("Roberto", 5), ("Sérgio", 4), ("Vinícius", 4), ("Diego", 4), ("Edson", 4),
    ("Júlio", 3), ("César", 3), ("Renato", 3), ("Rogério", 3), ("Miguel", 4), ("Arthur", 4),
    ("Heitor", 3), ("Davi", 3), ("Bernardo", 3), ("Enzo", 2), ("Lorenzo", 2), ("Samuel", 3),
    ("Benedito", 2), ("Geraldo", 3), ("Otávio", 2), ("Wellington", 2), ("Cícero", 2),
    ("Severino", 2), ("Joaquim", 2), ("Igor", 2), ("Caio", 2), ("Murilo", 2), ("Henrique", 2),
    ("Benjamin", 1), ("Valdir", 1), ("Wagner", 1), ("Nilson", 1), ("Adriano", 2), ("Everton", 1),
    ("Ígor", 1),
])
FEMALE_MIDDLE = Weighted([
    ("Aparecida", 8), ("de Fátima", 6), ("das Graças", 5), ("Eduarda", 4), ("Clara", 4),
    ("Luíza", 4), ("Helena", 3), ("Cristina", 3), ("Beatriz", 3), ("Vitória", 3), ("de Lourdes", 3),
    ("José", 2), ("Carolina", 2), ("Fernanda", 2), ("Júlia", 2),
])
MALE_MIDDLE = Weighted([
    ("Carlos", 6), ("Henrique", 5), ("Paulo", 4), ("Eduardo", 4), ("Augusto", 3), ("Antônio", 4),
    ("Luiz", 4), ("Roberto", 3), ("Miguel", 3), ("Gabriel", 3), ("Vitor", 3), ("Ricardo", 2),
    ("Francisco", 2), ("Felipe", 2), ("Rafael", 2),
])
# Relative frequencies loosely follow Brazilian registries: Silva far ahead, then a long slope.
COMMON_SURNAMES = [
    ("Silva", 100), ("Santos", 75), ("Oliveira", 55), ("Souza", 48), ("Rodrigues", 35),
    ("Ferreira", 33), ("Alves", 33), ("Pereira", 32), ("Lima", 30), ("Gomes", 28), ("Costa", 26),
    ("Ribeiro", 25), ("Martins", 24), ("Carvalho", 22), ("Almeida", 21), ("Lopes", 20),
    ("Soares", 19), ("Fernandes", 18), ("Vieira", 17), ("Barbosa", 16), ("Rocha", 15), ("Dias", 15),
    ("Nascimento", 14), ("Andrade", 14), ("Moreira", 13), ("Nunes", 13), ("Marques", 12),
    ("Machado", 12), ("Mendes", 12), ("Freitas", 11), ("Cardoso", 11), ("Ramos", 11),
    ("Gonçalves", 11), ("Santana", 10), ("Teixeira", 10), ("Araújo", 10), ("Sousa", 10),
    ("Jesus", 10), ("Melo", 9), ("Correia", 9), ("Cavalcanti", 6), ("Moura", 8), ("Monteiro", 8),
    ("Cunha", 7), ("Pinto", 7), ("Campos", 7), ("Batista", 7), ("Castro", 7), ("Borges", 6),
    ("Reis", 6), ("Azevedo", 6), ("Nogueira", 6), ("Farias", 6), ("Xavier", 5), ("Miranda", 5),
    ("Medeiros", 5), ("Duarte", 5), ("Sales", 5), ("Pires", 5), ("Fonseca", 5), ("Coelho", 5),
    ("Brito", 5), ("Moraes", 5), ("Conceição", 5), ("Cruz", 5), ("Matos", 4), ("Tavares", 4),
    ("Sampaio", 4), ("Guimarães", 4), ("Siqueira", 4), ("Rezende", 4), ("Queiroz", 4),
    ("Barros", 4), ("Leite", 4), ("Prado", 3), ("Bezerra", 4), ("Aguiar", 3), ("Vasconcelos", 3),
    ("Paiva", 3), ("Magalhães", 3), ("Macedo", 3), ("Bastos", 3), ("Brandão", 3), ("Pacheco", 3),
    ("Lacerda", 3), ("Viana", 3), ("Peixoto", 3),
]
# Uncommon but known names: a few hundred per million parties each.
UNCOMMON_SURNAMES = [
    "Albuquerque", "Bittencourt", "Wanderley", "Quintela", "Sobral", "Valadares", "Figueiredo",
    "Meireles", "Trindade", "Falcão", "Cordeiro", "Aragão", "Bragança", "Damasceno", "Espíndola",
    "Fagundes", "Galvão", "Holanda", "Linhares", "Marinho", "Nóbrega", "Ornelas", "Pimentel",
    "Quaresma", "Rangel", "Sarmento", "Toledo", "Uchôa", "Valença", "Werneck", "Ximenes", "Abreu",
    "Amaral", "Antunes", "Ávila", "Bandeira", "Barreto", "Bueno", "Caldeira", "Camargo",
    "Cerqueira", "Chagas", "Coutinho", "Diniz", "Dourado", "Esteves", "Faria", "Feitosa", "Frota",
    "Furtado", "Godoy", "Guerra", "Leal", "Lemos", "Loureiro", "Maciel", "Mattos", "Meneses",
    "Mesquita", "Montenegro", "Mota", "Neves", "Novaes", "Padilha", "Paixão", "Rebouças", "Resende",
    "Salgado", "Seixas", "Tenório", "Torres", "Valente", "Vargas", "Veloso", "Jatobá", "Honorato",
    "Belchior",
]
# The long tail (immigrant families and rarities): a few dozen per million each, so that
# a "rare surname" search has something small to find.
RARE_SURNAMES = [
    "Quintanilha", "Yamamoto", "Nakamura", "Tanaka", "Suzuki", "Watanabe", "Kobayashi", "Yamada",
    "Yoshida", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi", "Shimizu", "Ikeda",
    "Hashimoto", "Ishikawa", "Ogawa", "Okada", "Hasegawa", "Murakami", "Sakamoto", "Nishimura",
    "Fukuda", "Fujiwara", "Okamoto", "Nakagawa", "Harada", "Takeuchi", "Kaneko", "Miyazaki",
    "Miyamoto", "Taniguchi", "Kawaguchi", "Iwasaki", "Schmidt", "Müller", "Schneider", "Weber",
    "Becker", "Hoffmann", "Zimmermann", "Krüger", "Hartmann", "Lehmann", "Köhler", "Schwarz",
    "Kowalski", "Nowak", "Kowalczyk", "Wiśniewski", "Lewandowski", "Zielinski", "Szymanski",
    "Wozniak", "Kaminski", "Rossi", "Bianchi", "Ferrari", "Colombo", "Ricci", "Marino", "Greco",
    "Gallo", "Conti", "Mancini", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
    "Rinaldi", "Caruso", "Ferraro", "Martinelli", "Vitale", "Marchetti", "Parisi", "Fabbri",
    "Pellegrini", "Palumbo", "Farina", "Rizzi", "Cattaneo", "Morelli", "Silvestri", "Benedetti",
    "Montanari", "Palmieri", "Bernardi", "Bellini", "Sartori", "Ruggiero", "Sorrentino", "Haddad",
    "Khoury", "Abdalla", "Nassar", "Salomão", "Maluf", "Aziz", "Farah", "Sayeg", "Chedid", "Rahal",
    "Jafet", "Zogbi", "Hanna", "Karam", "Bechara", "Mussi", "Simão", "Itaboraí", "Canuto", "Kuster",
    "Régis", "Serrano", "Zanetti", "Bentes", "Malta",
]
SURNAMES = Weighted(
    COMMON_SURNAMES + [(s, 0.6) for s in UNCOMMON_SURNAMES] + [(s, 0.05) for s in RARE_SURNAMES]
)
# "Maria da Silva", "José dos Santos": the particle some families carry.
PARTICLES = {
    "Silva": "da", "Santos": "dos", "Conceição": "da", "Costa": "da",
    "Cruz": "da", "Rocha": "da", "Jesus": "de", "Oliveira": "de",
    "Souza": "de", "Sousa": "de", "Almeida": "de", "Andrade": "de",
    "Carvalho": "de", "Freitas": "de", "Lima": "de", "Moraes": "de",
    "Melo": "de", "Araújo": "de", "Barros": "de", "Assis": "de",
    "Paula": "de", "Castro": "de", "Brito": "de", "Abreu": "de",
    "Paiva": "de",
}

# --- places -------------------------------------------------------------------------------

# (city, UF, DDD, population in thousands (2022), first and last CEP prefix of the city).
CITY_ROWS = [
    ("São Paulo", "SP", 11, 11451, 1000, 5999),
    ("Rio de Janeiro", "RJ", 21, 6212, 20000, 23799),
    ("Brasília", "DF", 61, 2818, 70000, 72799),
    ("Fortaleza", "CE", 85, 2428, 60000, 61599),
    ("Salvador", "BA", 71, 2418, 40000, 42599),
    ("Belo Horizonte", "MG", 31, 2316, 30000, 31999),
    ("Manaus", "AM", 92, 2063, 69000, 69099),
    ("Curitiba", "PR", 41, 1774, 80000, 82999),
    ("Recife", "PE", 81, 1488, 50000, 52999),
    ("Goiânia", "GO", 62, 1437, 74000, 74899),
    ("Porto Alegre", "RS", 51, 1332, 90000, 91999),
    ("Belém", "PA", 91, 1303, 66000, 66999),
    ("Guarulhos", "SP", 11, 1291, 7000, 7399),
    ("Campinas", "SP", 19, 1139, 13000, 13139),
    ("São Luís", "MA", 98, 1037, 65000, 65099),
    ("Maceió", "AL", 82, 958, 57000, 57099),
    ("Campo Grande", "MS", 67, 898, 79000, 79129),
    ("São Gonçalo", "RJ", 21, 896, 24400, 24999),
    ("Teresina", "PI", 86, 866, 64000, 64099),
    ("João Pessoa", "PB", 83, 833, 58000, 58099),
    ("São Bernardo do Campo", "SP", 11, 810, 9600, 9899),
    ("Duque de Caxias", "RJ", 21, 808, 25000, 25499),
    ("Natal", "RN", 84, 751, 59000, 59139),
    ("Santo André", "SP", 11, 748, 9000, 9299),
    ("Osasco", "SP", 11, 728, 6000, 6299),
    ("Sorocaba", "SP", 15, 723, 18000, 18109),
    ("Uberlândia", "MG", 34, 713, 38400, 38415),
    ("Ribeirão Preto", "SP", 16, 698, 14000, 14114),
    ("Cuiabá", "MT", 65, 650, 78000, 78099),
    ("Contagem", "MG", 31, 621, 32000, 32399),
    ("Joinville", "SC", 47, 616, 89200, 89239),
    ("Feira de Santana", "BA", 75, 616, 44000, 44099),
    ("Aracaju", "SE", 79, 602, 49000, 49099),
    ("Londrina", "PR", 43, 555, 86000, 86099),
    ("Juiz de Fora", "MG", 32, 540, 36000, 36099),
    ("Florianópolis", "SC", 48, 537, 88000, 88099),
    ("Caxias do Sul", "RS", 54, 463, 95000, 95124),
    ("Porto Velho", "RO", 69, 460, 76800, 76834),
    ("Macapá", "AP", 96, 442, 68900, 68914),
    ("Santos", "SP", 13, 418, 11000, 11099),
    ("Boa Vista", "RR", 95, 413, 69300, 69339),
    ("Rio Branco", "AC", 68, 364, 69900, 69923),
    ("Vitória", "ES", 27, 322, 29000, 29099),
    ("Palmas", "TO", 63, 302, 77000, 77270),
]
CITIES = {row[0]: row for row in CITY_ROWS}
CITY_PICK = Weighted([(row, row[3]) for row in CITY_ROWS])

DISTRICTS = {
    "São Paulo": [
        "Pinheiros", "Moema", "Tatuapé", "Santana", "Vila Mariana", "Itaquera", "Bela Vista",
        "Consolação", "Lapa", "Mooca", "Ipiranga", "Santo Amaro", "Butantã", "Penha", "Perdizes",
        "Jardim Paulista", "Brás", "Vila Prudente", "Liberdade", "Capão Redondo", "Jabaquara",
        "Campo Limpo", "Sé",
    ],
    "Rio de Janeiro": [
        "Copacabana", "Tijuca", "Barra da Tijuca", "Botafogo", "Méier", "Campo Grande", "Bangu",
        "Madureira", "Ipanema", "Leblon", "Flamengo", "Jacarepaguá", "Centro",
        "Recreio dos Bandeirantes", "Vila Isabel",
    ],
    "Belo Horizonte": [
        "Savassi", "Pampulha", "Funcionários", "Lourdes", "Barreiro", "Venda Nova", "Centro",
        "Buritis", "Sion", "Santa Efigênia",
    ],
    "Brasília": [
        "Asa Norte", "Asa Sul", "Lago Sul", "Sudoeste", "Taguatinga", "Ceilândia", "Águas Claras",
        "Guará", "Samambaia", "Sobradinho",
    ],
    "Salvador": [
        "Barra", "Pituba", "Rio Vermelho", "Itapuã", "Brotas", "Liberdade", "Cabula", "Imbuí",
        "Stella Maris", "Pelourinho",
    ],
    "Fortaleza": [
        "Aldeota", "Meireles", "Messejana", "Benfica", "Parangaba", "Centro", "Papicu", "Montese",
        "Fátima",
    ],
    "Curitiba": [
        "Batel", "Água Verde", "Boqueirão", "Portão", "Cabral", "Centro", "Santa Felicidade",
        "Bigorrilho", "Sítio Cercado",
    ],
    "Recife": [
        "Boa Viagem", "Casa Forte", "Graças", "Espinheiro", "Madalena", "Várzea", "Ibura",
        "Afogados", "Boa Vista",
    ],
    "Porto Alegre": [
        "Moinhos de Vento", "Menino Deus", "Cidade Baixa", "Petrópolis", "Restinga", "Sarandi",
        "Partenon", "Centro Histórico", "Bom Fim",
    ],
    "Campinas": [
        "Cambuí", "Taquaral", "Barão Geraldo", "Centro", "Castelo", "Guanabara", "Jardim Proença",
        "Ouro Verde", "Sousas", "Nova Campinas",
    ],
}
GENERIC_DISTRICTS = Weighted([
    ("Centro", 12), ("Jardim América", 3), ("Vila Nova", 3), ("São José", 2), ("Bela Vista", 3),
    ("Santa Mônica", 2), ("Jardim Europa", 2), ("Parque das Flores", 2), ("Boa Vista", 2),
    ("Distrito Industrial", 2), ("Alvorada", 2), ("Planalto", 2), ("Cidade Nova", 2),
    ("Santa Cruz", 2), ("Jardim Primavera", 2), ("Vila Operária", 1),
    ("Nossa Senhora das Graças", 1), ("Santo Antônio", 2), ("Vila Rica", 1), ("Esplanada", 1),
])
STREET_TYPES = Weighted([
    ("Rua", 70), ("Avenida", 18), ("Travessa", 5), ("Alameda", 4), ("Praça", 2), ("Rodovia", 1),
])
STREET_NAMES = [
    "Sete de Setembro", "Quinze de Novembro", "Tiradentes", "Dom Pedro II", "Marechal Deodoro",
    "Barão do Rio Branco", "Santos Dumont", "Getúlio Vargas", "Rui Barbosa", "José Bonifácio",
    "Duque de Caxias", "Floriano Peixoto", "Castro Alves", "Machado de Assis", "das Flores",
    "das Palmeiras", "dos Andradas", "Brasil", "Presidente Vargas", "Amazonas", "Bahia", "Goiás",
    "Paraná", "São João", "Santo Antônio", "Princesa Isabel", "Carlos Gomes", "Oswaldo Cruz",
    "Monteiro Lobato", "Ipiranga", "da Independência", "da Liberdade", "Boa Vista",
    "Rio de Janeiro", "São Paulo", "Minas Gerais", "Treze de Maio", "Primeiro de Maio",
    "das Acácias", "dos Expedicionários", "Anita Garibaldi", "Benjamin Constant",
    "Visconde de Mauá", "Coronel Fernandes", "Padre Anchieta", "Cândido Portinari", "Chico Mendes",
    "Juscelino Kubitschek", "Tancredo Neves", "Cecília Meireles", "Carlos Drummond de Andrade",
    "Vinte e Um de Abril", "Bento Gonçalves", "General Osório", "Almirante Barroso",
]
COMPLEMENTS = Weighted([
    ("Apto {n}", 10), ("Casa {n}", 4), ("Sala {n}", 4), ("Bloco {b} Apto {n}", 3), ("Fundos", 2),
    ("Loja {n}", 2), ("Galpão {n}", 1), ("Conjunto {n}", 1), ("Andar {n}", 1),
])

# --- companies ----------------------------------------------------------------------------

ACTIVITIES = Weighted([
    ("Oficina Mecânica", 6), ("Padaria", 6), ("Supermercado", 5), ("Mercearia", 3), ("Farmácia", 4),
    ("Drogaria", 3), ("Auto Peças", 4), ("Materiais de Construção", 5),
    ("Distribuidora de Bebidas", 3), ("Transportadora", 4), ("Contabilidade", 4),
    ("Clínica Odontológica", 3), ("Clínica Veterinária", 2), ("Pet Shop", 3), ("Academia", 3),
    ("Escola de Idiomas", 2), ("Salão de Beleza", 4), ("Barbearia", 3), ("Restaurante", 5),
    ("Lanchonete", 4), ("Pizzaria", 3), ("Hotel", 2), ("Pousada", 2), ("Gráfica", 2),
    ("Papelaria", 2), ("Informática", 3), ("Provedor de Internet", 3), ("Assistência Técnica", 3),
    ("Marmoraria", 1), ("Serralheria", 2), ("Vidraçaria", 2), ("Madeireira", 1), ("Imobiliária", 3),
    ("Construtora", 3), ("Agropecuária", 2), ("Laticínios", 1), ("Confecções", 3), ("Calçados", 2),
    ("Ótica", 2), ("Joalheria", 1), ("Floricultura", 1), ("Lavanderia", 1), ("Autoescola", 1),
    ("Despachante", 1), ("Refrigeração", 2), ("Elétrica", 2), ("Hortifrúti", 2), ("Açougue", 2),
    ("Sorveteria", 1), ("Churrascaria", 1), ("Soluções em Tecnologia", 2), ("Engenharia", 1),
    ("Comércio de Embalagens", 1), ("Representações Comerciais", 2),
])
FANCY_NAMES = Weighted([
    ("São Jorge", 4), ("Santa Luzia", 3), ("Bom Jesus", 3), ("Nossa Senhora Aparecida", 2),
    ("Santo Antônio", 3), ("São Francisco", 3), ("Estrela", 3), ("Progresso", 3), ("Central", 4),
    ("Avenida", 2), ("Real", 2), ("Nova Era", 2), ("Primavera", 2), ("Ipê Amarelo", 1),
    ("Sol Nascente", 2), ("Bela Vista", 2), ("Horizonte", 2), ("Aliança", 2), ("Boa Esperança", 2),
    ("Ouro Verde", 2), ("Pão de Açúcar", 1), ("Canaã", 1), ("Shalom", 1), ("Vitória", 2),
    ("Alvorada", 2), ("Paraíso", 2), ("Brasil", 2), ("Atlântico", 1), ("Pioneira", 1),
    ("Modelo", 2), ("Universal", 1), ("Líder", 1), ("Express", 2), ("Prime", 1), ("Master", 1),
    ("Tropical", 2), ("Serra Verde", 1), ("Dois Irmãos", 2), ("Três Irmãos", 1),
    ("Cruzeiro do Sul", 1), ("Beira Rio", 1), ("Dona Benta", 1), ("Caiçara", 1), ("Girassol", 1),
    ("Jequitibá", 1),
])
SUFFIXES = Weighted([
    ("Ltda", 60), ("ME", 15), ("EPP", 6), ("Eireli", 6), ("S.A.", 3),
])
JOB_TITLES = [
    "Gerente de Compras", "Financeiro", "Gerente Comercial", "Compras", "Gerente Geral",
    "Contas a Pagar", "TI", "Recepção", "Contabilidade", "Gerente de Loja", "Sócio-administrador",
]

# --- contact details ----------------------------------------------------------------------

MAIL_DOMAINS = Weighted([
    ("gmail.com", 55), ("hotmail.com", 15), ("outlook.com", 8), ("yahoo.com.br", 7),
    ("uol.com.br", 4), ("bol.com.br", 3), ("terra.com.br", 2), ("icloud.com", 3),
])
COMPANY_MAILBOXES = Weighted([
    ("contato", 50), ("financeiro", 15), ("vendas", 15), ("comercial", 10), ("atendimento", 10),
])
PERSON_TAGS = Weighted([
    ("whatsapp", 10), ("vip", 4), ("indicação", 5), ("newsletter", 4), ("inadimplente", 2),
    ("recorrente", 5), ("novo", 4), ("site", 3), ("instagram", 3), ("black friday", 2),
    ("varejo", 3),
])
COMPANY_TAGS = Weighted([
    ("atacado", 6), ("varejo", 4), ("contrato anual", 4), ("prefeitura", 1),
    ("fornecedor homologado", 3), ("vip", 3), ("inadimplente", 2), ("nota fiscal eletrônica", 2),
    ("exportação", 1),
])
NOTES = [
    "Prefere contato por WhatsApp à tarde.", "Cliente desde {year}.",
    "Pagamento sempre por boleto, vencimento dia 10.", "Pediu orçamento por e-mail.",
    "Indicado por outro cliente.", "Não ligar antes das 9h.",
    "Atendimento no balcão; retira pessoalmente.", "Solicitou segunda via da nota fiscal.",
    "Negociação de desconto para pagamento à vista.", "Contato principal: financeiro.",
]
# fmt: on

_CPF_SPACE = 10**9  # the 9 digits before the check digits
_CNPJ_SPACE = 10**8  # the 8-digit root; the branch is always 0001 here


def cpf_check_digits(base: str) -> str:
    """The two CPF check digits (stdnum 2.2 only checks CPFs, it has no public calculator)."""
    values = [int(ch) for ch in base]
    first = sum(v * w for v, w in zip(values, range(10, 1, -1), strict=True)) * 10 % 11 % 10
    values.append(first)
    second = sum(v * w for v, w in zip(values, range(11, 1, -1), strict=True)) * 10 % 11 % 10
    return f"{first}{second}"


def _coprime_multiplier(rng: random.Random, space: int) -> int:
    # Coprime with 10**k (odd, not a multiple of 5): i -> (a*i + b) % space is a permutation.
    while True:
        a = rng.randrange(space // 10, space)
        if a % 2 and a % 5:
            return a


class PartyFaker:
    """Generates party dicts (the fields `party_create` takes) from a seed.

    Overall about 86% customers and 20% suppliers (companies supply more
    often), 90% active, 18% companies.

    `start` offsets the counter behind CPFs/CNPJs, so a later run with the same
    seed and a larger start continues without repeating earlier tax ids.
    """

    def __init__(self, seed: int | str = 0, start: int = 0, company_share: float = 0.18):
        keys = random.Random(f"clientela-tax-ids:{seed}")
        self._cpf_a, self._cpf_b = _coprime_multiplier(keys, _CPF_SPACE), keys.randrange(_CPF_SPACE)
        self._cnpj_a = _coprime_multiplier(keys, _CNPJ_SPACE)
        self._cnpj_b = keys.randrange(_CNPJ_SPACE)
        self.rng = random.Random(f"clientela-parties:{seed}:{start}")
        self.index = start
        self.company_share = company_share

    # --- tax ids ---

    def cpf_for(self, index: int) -> str | None:
        base = f"{(self._cpf_a * index + self._cpf_b) % _CPF_SPACE:09d}"
        if len(set(base)) == 1:
            return None  # 111.111.111-11 and friends are never issued
        return base + cpf_check_digits(base)

    def cnpj_for(self, index: int) -> str:
        root = f"{(self._cnpj_a * index + self._cnpj_b) % _CNPJ_SPACE:08d}0001"
        return root + cnpj.calc_check_digits(root)

    def _next_index(self) -> int:
        index = self.index
        self.index += 1
        return index

    # --- pieces ---

    def city(self, name: str | None = None) -> tuple:
        return CITIES[name] if name else CITY_PICK.pick(self.rng)

    def phone(self, ddd: int, mobile: bool) -> str:
        rng = self.rng
        if mobile:
            number = f"9{rng.randint(6, 9)}{rng.randrange(10**7):07d}"
        else:
            number = f"{rng.randint(2, 5)}{rng.randrange(10**7):07d}"
        return f"+55{ddd}{number}"

    def address(self, city_row: tuple) -> dict:
        rng = self.rng
        city, state, _ddd, _pop, cep_low, cep_high = city_row
        districts = DISTRICTS.get(city)
        district = rng.choice(districts) if districts else GENERIC_DISTRICTS.pick(rng)
        number = "s/n" if rng.random() < 0.03 else str(min(int(rng.expovariate(1 / 400)) + 1, 9999))
        complement = ""
        if rng.random() < 0.3:
            complement = COMPLEMENTS.pick(rng).format(n=rng.randint(1, 240), b=rng.choice("ABCD"))
        return {
            "street": f"{STREET_TYPES.pick(rng)} {rng.choice(STREET_NAMES)}",
            "number": number,
            "complement": complement,
            "district": district,
            "zip_code": f"{rng.randint(cep_low, cep_high):05d}-{rng.randrange(900):03d}",
            "city": city,
            "state": state,
            "country": "BR",
        }

    def surname(self) -> str:
        surname = SURNAMES.pick(self.rng)
        particle = PARTICLES.get(surname)
        if particle and self.rng.random() < 0.3:
            return f"{particle} {surname}"
        return surname

    def person_name(self) -> tuple[str, str, str]:
        """(full name, first name, last surname)."""
        rng = self.rng
        female = rng.random() < 0.52
        first = (FEMALE_NAMES if female else MALE_NAMES).pick(rng)
        parts = [first]
        if rng.random() < 0.3:
            middle = (FEMALE_MIDDLE if female else MALE_MIDDLE).pick(rng)
            if middle != first:
                parts.append(middle)
        surnames = [self.surname() for _ in range(1 if rng.random() < 0.35 else 2)]
        if len(surnames) == 2 and surnames[0] == surnames[1]:
            surnames.pop()
        parts.extend(surnames)
        return " ".join(parts), first, surnames[-1].split()[-1]

    def _email_for(self, first: str, last: str) -> str:
        rng = self.rng
        first_word, last_word = fold(first).replace(" ", ""), fold(last).replace(" ", "")
        style = rng.random()
        if style < 0.45:
            local = f"{first_word}.{last_word}"
        elif style < 0.7:
            local = f"{first_word}{last_word}{rng.randint(1, 99)}"
        elif style < 0.85:
            local = f"{first_word[0]}{last_word}"
        else:
            local = f"{first_word}_{rng.randint(1960, 2006)}"
        return f"{local}@{MAIL_DOMAINS.pick(rng)}"

    def _tags(self, pool: Weighted, chance: float) -> list[str]:
        rng = self.rng
        if rng.random() >= chance:
            return []
        return list(dict.fromkeys(pool.pick(rng) for _ in range(rng.randint(1, 3))))

    def _roles(self, customer_only: float, supplier_only: float) -> tuple[bool, bool]:
        roll = self.rng.random()
        if roll < customer_only:
            return True, False
        if roll < customer_only + supplier_only:
            return False, True
        return True, True

    def _note(self) -> str:
        rng = self.rng
        if rng.random() >= 0.1:
            return ""
        return rng.choice(NOTES).format(year=rng.randint(2005, 2024))

    # --- parties ---

    def person(self, city: str | None = None) -> dict:
        rng = self.rng
        index = self._next_index()
        name, first, last = self.person_name()
        city_row = self.city(city)
        ddd = city_row[2]
        phones = []
        count = rng.choices((0, 1, 2), (5, 70, 25))[0]
        for position in range(count):
            phones.append(self.phone(ddd, mobile=position == 0 and rng.random() < 0.9))
        is_customer, is_supplier = self._roles(0.85, 0.10)
        return {
            "kind": "person",
            "name": name,
            "trade_name": "",
            "tax_id": self.cpf_for(index) if rng.random() < 0.93 else None,
            "is_customer": is_customer,
            "is_supplier": is_supplier,
            "email": self._email_for(first, last) if rng.random() < 0.75 else "",
            "phones": list(dict.fromkeys(phones)),
            **self.address(city_row),
            "tags": self._tags(PERSON_TAGS, 0.4),
            "notes": self._note(),
            "is_active": rng.random() < 0.9,
        }

    def company_names(self, cnpj_root: str) -> tuple[str, str]:
        """(legal name, trade name)."""
        rng = self.rng
        style = rng.random()
        suffix = SUFFIXES.pick(rng)
        if style < 0.55:
            activity, fancy = ACTIVITIES.pick(rng), FANCY_NAMES.pick(rng)
            trade = f"{activity} {fancy}"
            return f"{trade} {suffix}", trade if rng.random() < 0.7 else fancy
        if style < 0.8:
            first, second = SURNAMES.pick(rng), SURNAMES.pick(rng)
            activity = ACTIVITIES.pick(rng)
            legal = f"{first} & {second} {activity} {suffix}"
            return legal, f"{activity} {first}" if rng.random() < 0.5 else f"{first} & {second}"
        if style < 0.9:
            family = SURNAMES.pick(rng)
            activity = ACTIVITIES.pick(rng)
            return f"{activity} {family} {suffix}", f"{activity} Família {family}"
        # A sole trader (MEI): the legal name is the CNPJ root followed by the owner's name.
        name, first, _last = self.person_name()
        article = "da" if first.endswith("a") else "do"
        legal = f"{cnpj_root[:2]}.{cnpj_root[2:5]}.{cnpj_root[5:8]} {name}"
        return legal, f"{ACTIVITIES.pick(rng)} {article} {first}"

    def company(self, city: str | None = None) -> dict:
        rng = self.rng
        tax_id = self.cnpj_for(self._next_index()) if rng.random() < 0.97 else None
        name, trade_name = self.company_names(tax_id or f"{rng.randrange(10**8):08d}")
        city_row = self.city(city)
        ddd = city_row[2]
        phones = [self.phone(ddd, mobile=rng.random() < 0.2)]
        if rng.random() < 0.5:
            phones.append(self.phone(ddd, mobile=True))
        slug = fold(trade_name).replace(" ", "")[:30] or "empresa"
        is_customer, is_supplier = self._roles(0.60, 0.30)
        return {
            "kind": "company",
            "name": name,
            "trade_name": trade_name,
            "tax_id": tax_id,
            "is_customer": is_customer,
            "is_supplier": is_supplier,
            "email": f"{COMPANY_MAILBOXES.pick(rng)}@{slug}.com.br" if rng.random() < 0.85 else "",
            "phones": list(dict.fromkeys(phones)),
            **self.address(city_row),
            "tags": self._tags(COMPANY_TAGS, 0.35),
            "notes": self._note(),
            "is_active": rng.random() < 0.9,
        }

    def party(self, city: str | None = None) -> dict:
        if self.rng.random() < self.company_share:
            return self.company(city)
        return self.person(city)

    def parties(self, count: int, city: str | None = None) -> Iterator[dict]:
        for _ in range(count):
            yield self.party(city)

    def contact_person(self, company: dict) -> dict:
        """A person who works at `company` (the caller sets employer_id once it is saved)."""
        rng = self.rng
        person = self.person(city=company["city"] or None)
        domain = company["email"].partition("@")[2]
        if domain:
            words = fold(person["name"]).split()
            person["email"] = f"{words[0]}.{words[-1]}@{domain}"
        person["job_title"] = rng.choice(JOB_TITLES)
        person["is_customer"], person["is_supplier"] = (
            company["is_customer"],
            company["is_supplier"],
        )
        person["tags"] = []
        return person


# --- the relationship log -----------------------------------------------------------------

# How often each default type is used (activities.defaults): calls and WhatsApp far ahead.
# Suppliers are more often written to and met than called about after-sales.
# fmt: off
CUSTOMER_TYPE_WEIGHTS = {
    "call": 30, "whatsapp": 30, "email": 12, "visit": 7, "after-sales": 6,
    "technical-assistance": 5, "meeting": 4, "analysis": 3, "other": 3,
}
SUPPLIER_TYPE_WEIGHTS = {
    "call": 25, "email": 25, "whatsapp": 22, "meeting": 8, "analysis": 6, "visit": 5,
    "other": 6, "technical-assistance": 2, "after-sales": 1,
}
OTHER_TYPE_WEIGHT = 2  # a type an administrator added
ITEMS = [
    "ar-condicionado", "notebook", "impressora", "roteador", "material de escritório",
    "peças de reposição", "plano de internet", "manutenção mensal", "uniformes", "cartuchos",
    "câmeras de segurança", "nobreak",
]
DESCRIPTIONS = {
    "call": [
        "Ligou pedindo orçamento de {item}.", "Retorno sobre a proposta enviada.",
        "Não atendeu; deixei recado.", "Confirmou o pedido por telefone.",
        "Ligação de cobrança do boleto vencido.", "Perguntou sobre o prazo de entrega.",
        "Apresentei a nova tabela de preços.", "Quer agendar uma visita técnica.",
    ],
    "whatsapp": [
        "Enviou foto do {item} com defeito.", "Mandei o catálogo atualizado.",
        "Pediu a segunda via do boleto.", "Confirmou o horário da visita.",
        "Perguntou se há {item} em estoque.", "Enviei a chave PIX para o pagamento.",
        "Pediu desconto para pagamento à vista.", "Áudio pedindo retorno urgente.",
    ],
    "email": [
        "Enviada a proposta comercial nº {n}.", "Recebido pedido de compra por e-mail.",
        "Encaminhei a nota fiscal e o boleto.", "Pediu cotação de {item}.",
        "Enviado o contrato para assinatura.", "Reenviei a segunda via da nota fiscal.",
    ],
    "visit": [
        "Visita para apresentar {item}.", "Visita técnica para levantamento no local.",
        "Entrega de amostras na loja.", "Visita de relacionamento; cliente satisfeito.",
        "Medição do local para o orçamento.",
    ],
    "meeting": [
        "Reunião de alinhamento do contrato.", "Apresentação da proposta à diretoria.",
        "Negociação do reajuste anual.", "Videochamada com o financeiro.",
    ],
    "analysis": [
        "Análise de crédito para novo pedido.", "Conferência do histórico de compras.",
        "Análise do contrato antes da renovação.", "Levantamento de débitos em aberto.",
    ],
    "after-sales": [
        "Pesquisa de satisfação após a entrega.", "Conferir se a instalação ficou boa.",
        "Elogiou o atendimento da equipe.", "Verificar se o {item} chegou sem avarias.",
    ],
    "technical-assistance": [
        "{item} não liga; chamado aberto.", "Troca de peça em garantia.",
        "Manutenção preventiva do {item}.", "Relata barulho no {item}.",
        "Configuração do sistema no local.",
    ],
    "other": [
        "Atualização do cadastro.", "Mudou de endereço.", "Envio de brinde de fim de ano.",
        "Anotação geral.",
    ],
}
OUTCOMES = [
    "Resolvido.", "Aprovou o orçamento.", "Pedido fechado.", "Sem interesse no momento.",
    "Pagamento confirmado.", "Aguardando retorno do cliente.", "Não atendeu; tentar de novo.",
    "Visita realizada.", "Enviado por e-mail.", "Vai pensar e retorna na semana que vem.",
]
CANCEL_REASONS = [
    "Cliente desistiu.", "Remarcado por telefone.", "Duplicado.", "Resolvido por outro colega.",
]
COMPLAINTS = [
    "Produto chegou com defeito.", "Atraso na entrega.", "Cobrança em duplicidade.",
    "Atendimento demorado.", "Técnico não compareceu no horário.",
]
INTERNAL_NOTES = [
    "Sensível a preço.", "Falar com o financeiro, não com o comprador.",
    "Histórico de atraso nos pagamentos.", "Pode indicar outros clientes.",
]
# fmt: on
COMPLAINT_TYPES = {"call", "whatsapp", "after-sales", "technical-assistance"}


class ActivityFaker:
    """The Portuguese texts of synthetic activities, drawn from the caller's generator
    (so that one seed gives the same activities)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def description(self, type_slug: str) -> str:
        rng = self.rng
        phrase = rng.choice(DESCRIPTIONS.get(type_slug) or DESCRIPTIONS["other"])
        if "{" not in phrase:
            return phrase
        text = phrase.format(item=rng.choice(ITEMS), n=rng.randint(100, 9999))
        return text[0].upper() + text[1:]

    def complaint(self, type_slug: str) -> str:
        if type_slug in COMPLAINT_TYPES and self.rng.random() < 0.05:
            return self.rng.choice(COMPLAINTS)
        return ""

    def internal_note(self) -> str:
        return self.rng.choice(INTERNAL_NOTES) if self.rng.random() < 0.03 else ""

    def outcome(self) -> str:
        return self.rng.choice(OUTCOMES)

    def cancel_reason(self) -> str:
        return self.rng.choice(CANCEL_REASONS)
