"""The demo's words: story seeds from the TOML files, bodies, captions and bylines.

Each story's own lead and detail open its body; the rest comes from its section's pool of
paragraphs, chosen and filled with invented names by a random generator seeded with the
story's slug, so the same story always reads the same and no two stories read alike.
Nothing here touches the database.
"""

import random
import tomllib
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"
STORY_FILES = ("stories_1.toml", "stories_2.toml", "stories_3.toml")

RESIDENTS = [
    "Nina Kovalenko", "Valentyna Shevchuk", "Liubov Danyliuk", "Tamara Oliinyk",
    "Halyna Rudenko", "Oksana Moroz", "Zinaida Pavlenko", "Larysa Hordiienko",
    "Vira Sydorenko", "Yevheniia Kushnir", "Olha Prykhodko", "Raisa Hlushchenko",
]  # fmt: skip
OFFICIALS = {
    "business": [
        ("Viktor Ishchenko", "chief executive of Stepova Logistics"),
        ("Alla Matviienko", "head of the Association of Small Producers"),
        ("Petro Ostapenko", "operations director at Prychal Machine Works"),
    ],
    "culture": [
        ("Lesia Kuzmenko", "head of the regional culture department"),
        ("Ihor Sabadash", "artistic director of the Lisohirsk Drama Theatre"),
        ("Daryna Holub", "chief curator of the Regional Art Museum"),
    ],
}
GOVERNMENT = [
    ("Serhii Lytvyn", "head of the regional military administration"),
    ("Natalia Boiko", "a deputy minister of social policy"),
    ("Roman Hutsul", "head of the local community"),
    ("Inna Verbytska", "head of the district council"),
    ("Maksym Teslenko", "a spokesman for the regional administration"),
]
# Who a reporter would call for comment on each section's subjects.
EXPERTS = {
    "war": [
        ("Yaroslav Demchuk", "a military analyst at the Centre for Defence Studies"),
        ("Borys Kalyniak", "a retired colonel and defence commentator"),
    ],
    "business": [
        ("Olesia Rybak", "an economist at the Institute for Economic Outlook"),
        ("Taras Poliakov", "a partner at an investment firm"),
    ],
    "culture": [
        ("Khrystyna Vovk", "an arts critic and historian"),
        ("Marko Lutsenko", "a critic and radio presenter"),
    ],
}
GENERAL_EXPERTS = [
    ("Andrii Fedorenko", "a political scientist at the Centre for Civic Studies"),
    ("Olesia Rybak", "an economist at the Institute for Economic Outlook"),
    ("Khrystyna Vovk", "a historian at the National Academy of Humanities"),
]
REGIONS = ["Stepova region", "Pryrichna region", "Lisova region", "Skhidna region"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Who usually writes for a section, in order of likelihood.
SECTION_WRITERS = {
    "war": ["olena-marchenko", "taras-hnatiuk", "andrii-zaporozhets"],
    "analysis": ["iryna-kovalchuk", "dmytro-savchuk"],
    "national": ["kateryna-lysenko", "halyna-petrenko", "marta-horobets"],
    "video": ["bohdan-yarema"],
    "field-report": ["andrii-zaporozhets", "oleksandr-kravets"],
    "human-story": ["mariia-tkachenko", "halyna-petrenko"],
    "business": ["yurii-bondar", "dmytro-savchuk"],
    "culture": ["sofiia-melnyk", "mariia-tkachenko"],
    "opinion": ["nadiia-voloshyn", "marta-horobets"],
}
DESK = "newsroom-desk"
DESK_KINDS = {"news", "explainer"}

# What each drawn scene shows, for captions and alt text (see images.SCENES / PALETTES).
SCENE_CAPTIONS = {
    "fields": ("Farmland outside {place}", "Rows of crops running to a line of trees"),
    "city": ("Apartment blocks in {place}", "A skyline of apartment blocks with lit windows"),
    "river": ("The river at {place}", "A river reflecting hills and clouds"),
    "village": ("Houses on the edge of {place}", "Small houses with red roofs among trees"),
}
LIGHT_PHRASES = [
    "at dawn",
    "at midday",
    "at dusk",
    "on an overcast morning",
    "after the first snow",
]
CREDITS = [
    "Oleksandr Kravets/Newsroom",
    "Andrii Zaporozhets/Newsroom",
    "Handout/Regional administration",
    "Staff photographer/Example Wire",
    "Courtesy of the community council",
]


@cache
def load(name):
    with (DATA_DIR / name).open("rb") as data_file:
        return tomllib.load(data_file)


def people():
    return load("people.toml")


def extras():
    return load("extras.toml")


def pools():
    return load("pools.toml")


def slug_for(headline, limit=80):
    """A stable slug from the headline, cut at a word boundary."""
    slug = slugify(headline)
    if len(slug) <= limit:
        return slug
    return slug[:limit].rsplit("-", 1)[0]


@dataclass
class StorySeed:
    section: str
    kind: str
    headline: str
    dek: str
    lead: str
    detail: str = ""
    place: str = "the capital"
    tags: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    featured: bool = False
    pick: bool = False
    feed: bool = False
    updated: float = 0
    caption: str = ""
    status: str = "published"
    hours_ahead: float = 0

    @property
    def slug(self):
        return slug_for(self.headline)

    def rng(self, purpose):
        """A generator of its own per story and purpose, so changing one never shifts another."""
        return random.Random(f"{self.slug}:{purpose}")


def story_seeds():
    seeds = []
    for name in STORY_FILES:
        seeds.extend(StorySeed(**entry) for entry in load(name)["story"])
    return seeds


def draft_seeds():
    return [StorySeed(**entry) for entry in extras()["draft"]]


def _fill(text, values):
    filled = text.format(**values)
    return filled[:1].upper() + filled[1:]


def _values(seed, rng):
    official_pool = OFFICIALS.get(seed.section, GOVERNMENT)
    official, official_role = rng.choice(official_pool)
    expert, expert_role = rng.choice(EXPERTS.get(seed.section, GENERAL_EXPERTS))
    return {
        "place": seed.place,
        "region": rng.choice(REGIONS),
        "official": official,
        "official_role": official_role,
        "expert": expert,
        "expert_role": expert_role,
        "resident": rng.choice(RESIDENTS),
        "age": rng.randint(34, 86),
        "number": rng.randrange(40, 900, 10),
        "population": f"{rng.randrange(4000, 40000, 500):,}",
        "percent": rng.randint(4, 35),
        "day": rng.choice(DAYS),
    }


def body_paragraphs(seed):
    """Four to ten paragraphs: the seed's lead and detail, pool paragraphs, a closing line."""
    rng = seed.rng("body")
    pool = pools()[seed.section]
    values = _values(seed, rng)
    total = rng.randint(4, 10)
    middle_count = total - 3
    context = rng.sample(pool["context"], k=min(len(pool["context"]), middle_count))
    quotes = rng.sample(pool["quotes"], k=min(len(pool["quotes"]), max(1, middle_count // 3)))
    middle = context[: middle_count - len(quotes)]
    for offset, quote in enumerate(quotes):
        # Quotes land after some context, as a reporter would place them.
        middle.insert(min(len(middle), 1 + offset * 2), quote)
    paragraphs = [seed.lead, seed.detail or rng.choice(pool["context"])]
    paragraphs += middle[:middle_count]
    paragraphs.append(rng.choice(pool["closing"]))
    return [_fill(text, values) for text in paragraphs]


def body_html(paragraphs, *, pull_quote=False):
    """Paragraphs as editor HTML; a feature may set its first quote off as a blockquote."""
    blocks = []
    quoted = False
    for index, text in enumerate(paragraphs):
        block = f"<p>{escape(text, quote=False)}</p>"
        if pull_quote and not quoted and index >= 2 and text.startswith("“"):
            block = f"<blockquote>{block}</blockquote>"
            quoted = True
        blocks.append(block)
    return "".join(blocks)


def byline_slugs(seed):
    """One to three authors: the seed's own, or the section's writers, often with the desk."""
    if seed.authors:
        return list(seed.authors)
    rng = seed.rng("bylines")
    writers = SECTION_WRITERS[seed.section]
    chosen = [writers[0] if rng.random() < 0.6 else rng.choice(writers)]
    if len(writers) > 1 and rng.random() < 0.3:
        chosen.append(rng.choice([w for w in writers if w not in chosen]))
    if seed.kind in DESK_KINDS and rng.random() < 0.5:
        chosen.append(DESK)
    return chosen


def photo_texts(seed, scene, light_index):
    """Caption, credit and alt text that describe the picture the scene key draws."""
    rng = seed.rng("photo")
    caption_start, alt_start = SCENE_CAPTIONS[scene]
    light = LIGHT_PHRASES[light_index]
    caption = f"{caption_start.format(place=seed.place)} {light}, {rng.choice(DAYS)}."
    alt_text = f"{alt_start} under a wide sky {light}."
    return caption[:1].upper() + caption[1:], rng.choice(CREDITS), alt_text
