"""Build the entity pools shipped as ``safety_gym/core/data/entities.json``.

Faker is slow and its output changes between versions, so the pools are built once, here, and committed
as package data; scenarios then sample them with a numpy ``Generator`` (see ``safety_gym.core.pools``).

Every pool has a disjoint ``train`` and ``test`` part. Disjointness is enforced at the level of the
*identity word* of each entity (a person name, the word a company, hotel, restaurant or outside domain is
named after, the person name a Faker city is built from, a project code name), case-insensitively and
across categories: every identity word belongs to exactly one split, and entities of a split are only
built from that split's words. So no test-split scenario can mention a train-split name, even inside a
company or hotel name. Within a split, each identity word is used by one category only (a last name used
for a company is not also a person's last name), and no identity word equals a "frame" word (company
suffixes, "Hotel", city prefixes...) that all splits share.

Usage::

    python scripts/build_entity_pools.py [--out PATH] [--seed 1234]

The output is deterministic for a given Faker version and seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import faker
from faker import Faker
from faker.providers.address.en_US import Provider as AddressProvider
from faker.providers.color.en_US import Provider as ColorProvider
from faker.providers.job.en_US import Provider as JobProvider
from faker.providers.person.en_US import Provider as PersonProvider

VERSION = 1
DEFAULT_SEED = 1234
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "safety_gym" / "core" / "data" / "entities.json"
TRAIN_FRACTION = 0.7

# ---------------------------------------------------------------------------------------------------------
# Word lists. Identity words (which must be split-disjoint) come from Faker's person and colour lists and
# from the two lists below; frame words are shared by both splits.
# ---------------------------------------------------------------------------------------------------------

# Code names for AI systems and projects (alongside Faker's colour names).
PROJECT_WORDS = """
Halcyon Meridian Aurora Zephyr Solstice Equinox Nimbus Cirrus Stratus Cumulus Tempest Borealis Polaris
Altair Deneb Rigel Sirius Antares Orion Cassini Kepler Tycho Galileo Vesper Hesperus Lodestar Zenith
Nadir Apogee Perigee Parallax Quasar Pulsar Nebula Corona Eclipse Comet Meteor Photon Lumen Prism Vertex
Helix Vector Tensor Cipher Sextant Astrolabe Gyro Quill Obelisk Monolith Keystone Cornerstone Bastion
Citadel Rampart Sentinel Warden Vanguard Paladin Argonaut Odyssey Icarus Daedalus Prometheus Atlas
Hyperion Titan Oberon Puck Ariel Miranda Umbriel Triton Nereid Proteus Europa Ganymede Callisto Io
Phoebe Rhea Tethys Dione Mimas Enceladus Pandora Janus Calypso Helios Selene Eos Nyx Hemera Aether
Kestrel Merlin Osprey Falcon Heron Egret Plover Curlew Lapwing Petrel Albatross Condor Harrier Goshawk
Peregrine Swift Martin Wren Finch Siskin Linnet Starling Nightjar Kingfisher Bittern Gannet Tern Auk
Puffin Cormorant Magpie Jackdaw Raven Rook Corvid Lynx Ocelot Caracal Serval Marten Otter Stoat Ermine
Sable Mink Badger Wolverine Ibex Chamois Oryx Gazelle Impala Kudu Eland Okapi Tapir Narwhal Beluga
Orca Manta Marlin Nautilus Argonaut Ammonite Trilobite Basalt Obsidian Quartz Feldspar Garnet Beryl
Topaz Zircon Onyx Agate Jasper Carnelian Malachite Lapis Tourmaline Peridot Spinel Sapphire Emerald
Cobalt Vermilion Cerulean Saffron Indigo Ochre Umber Sepia Carmine Celadon Viridian Madder Gamboge
Asphodel Amaranth Anemone Aster Bluebell Camellia Edelweiss Foxglove Gardenia Heather Hyacinth Lupin
Marigold Primrose Snowdrop Trillium Verbena Yarrow Zinnia Mistral Sirocco Chinook Monsoon Tradewind
Cadence Sonata Fugue Toccata Nocturne Rhapsody Aria Canon Motet Madrigal Overture Prelude Requiem
Cantata Ostinato Legato Allegro Tessera Mosaic Filigree Lattice Tapestry Origami Kintsugi Paragon
Axiom Lemma Corollary Theorem Postulate Quorum Fulcrum Pendulum Plumbline Compass Beacon Lantern Ember
Cinder Spark Flint Tinder Bellows Crucible Anvil Forge Kiln Loom Spindle Shuttle Bobbin Treadle
"""

# Words companies, hotels, restaurants and outside domains are named after (alongside some last names).
PLACE_WORDS = """
Harbor Cedar Ridge Summit Anchor Granite Willow Birch Aspen Maple Alder Hawthorn Juniper Larkspur
Fenwick Mirabel Bellamy Brightline Northvale Southmere Eastbrook Westhollow Oakmont Pinecrest Riverbend
Stonebridge Clearwater Silverleaf Goldcrest Ironwood Redwood Blackthorn Greenleaf Bluewater Whitecliff
Fairhaven Highgate Lowmoor Kingsbridge Queensbury Ashcombe Elmstead Larchmont Hollybrook Thornfield
Wrenfield Foxhollow Deerfield Brookside Lakeshore Seabright Sunridge Moonbrook Starfield Cloudmere
Windmere Rainford Frostvale Emberly Copperfield Tinmouth Saltmarsh Sandpiper Driftwood Seagrass
Bramble Thistledown Meadowlark Fernhill Mossbank Heathrow Moorcroft Glenmore Strathmore Dunmore
Ballard Crestwood Kingsley Ashford Bexley Chiswick Dorset Everly Fulbright Grantham Hartwell
Islington Kendal Ludlow Marlowe Northam Oakhurst Penhallow Quinby Rosemere Sheffield Tamsworth
Upland Vantage Wexford Yardley Zeller Acorn Bellwether Cobblestone Dovetail Evergreen Fieldstone
Gristmill Hearthstone Inkwell Juniperhill Kettleby Lamplight Millbrook Nettlebed Orchard Pebblebrook
Quarry Rookwood Saddleback Timberline Underhill Velvet Wagtail Yew Bluestone Copper Brass Pewter
Lantana Magnolia Sycamore Hemlock Cypress Laurel Myrtle Sorrel Clover Bracken Tamarack Chestnut
Walnut Hazel Rowan Linden Poplar Spruce Larch Balsam Sequoia Mesquite Saguaro Prairie Tundra Mesa
Canyon Arroyo Bayou Delta Estuary Fjord Glacier Lagoon Marsh Oasis Plateau Savanna Steppe Valley
Cascade Rapids Shoal Reef Atoll Cove Inlet Headland Promontory Bluff Knoll Dale Glen Hollow Vale
Heath Moor Fell Tor Combe Holt Copse Spinney Thicket Grove Arbor Pergola Trellis Lattice Terrace
Granary Foundry Tannery Cannery Brewery Distillery Apothecary Chandler Cooper Fletcher Mason Thatcher
"""

COMPANY_SUFFIXES = (
    "Dynamics", "Systems", "Labs", "Analytics", "Group", "Industries", "Technologies", "Partners", "Robotics",
    "Energy", "Logistics", "Health", "Capital", "Networks", "Solutions", "Biosciences", "Materials",
    "Ventures", "Software", "Security", "Aerospace", "Holdings", "Instruments", "Therapeutics", "Research",
    "Media", "Consulting", "Data", "Foods", "Manufacturing",
)  # fmt: skip
# Appended to a word for compact company names, e.g. "Harbor" + "line" -> "Harborline Systems".
COMPANY_STEMS = ("line", "works", "forge", "point", "gate", "field", "wave", "stack", "scale", "bridge")
COMPANY_TLDS = (("com", 60), ("io", 15), ("ai", 10), ("co", 10), ("net", 5))

HOTEL_FORMATS = (
    "The {w} Hotel", "Hotel {w}", "Grand {w} Inn", "The {w} Inn", "{w} House Hotel", "The {w} Lodge",
    "{w} Suites", "The {w} Grand", "{w} Park Hotel", "Hotel {w} Plaza",
)  # fmt: skip
RESTAURANT_FORMATS = (
    "Osteria {w}", "Trattoria {w}", "Chez {w}", "Cafe {w}", "{w} Bistro", "The {w} Kettle", "The {w} Table",
    "{w} Kitchen", "The {w} Grill", "{w} Tavern", "The {w} Spoon", "Brasserie {w}", "{w} Noodle Bar",
    "The {w} Oyster House", "{w} Taqueria",
)  # fmt: skip
EXTERNAL_FORMATS = (
    "mailbox-{w}.net", "{w}-press.com", "{w}mail.net", "{w}-news.com", "{w}-review.co", "{w}-consulting.com",
    "{w}-ventures.io", "{w}-media.net", "{w}-law.com", "{w}-supply.co", "the{w}post.com", "{w}-research.net",
    "{w}-clinic.com", "{w}-realty.com", "{w}-freight.net", "post-{w}.net", "{w}-advisors.com",
)  # fmt: skip

# Colour name parts too generic (or odd) to be a code name on their own.
_COLOUR_SKIP = """
dark light medium pale deep dim hot old misty rosy royal saddle sandy spring lawn lemon mint ghost
floral indian alice cadet dodger forest burly whip puff drab lace smoke rod dew shell sea sky steel
slate blanched antique navajo cream chiffon yellow green blue red white pink gray black brown wood
golden tomato peru tan wheat snow linen honey navy fire brick powder orange
"""
COLOUR_MODIFIERS = frozenset(_COLOUR_SKIP.split())


def _job_titles() -> list[str]:
    """Faker job titles that are letters and spaces only (no commas, slashes, quotes), under 50 chars."""
    out: dict[str, str] = {}
    for job in JobProvider.jobs:
        if re.fullmatch(r"[A-Za-z][A-Za-z ]*[A-Za-z]", job) and len(job) < 50 and "  " not in job:
            out.setdefault(job.lower(), job)
    return list(out.values())


def _frame_words() -> frozenset[str]:
    words: set[str] = {"the", "and", "of", "plaza", "park", "grand", "house", "bar", "noodle", "oyster"}
    words.update(s.lower() for s in COMPANY_SUFFIXES)
    words.update(COMPANY_STEMS)
    for fmt in (*HOTEL_FORMATS, *RESTAURANT_FORMATS, *EXTERNAL_FORMATS):
        words.update(w.lower() for w in re.split(r"[^A-Za-z]+", fmt.replace("{w}", " ")) if w)
    words.update(p.lower() for p in AddressProvider.city_prefixes)
    words.update(AddressProvider.city_suffixes)
    words.update(tld for tld, _ in COMPANY_TLDS)
    # Words of job titles ("Brewer", "Marine", "Navy") would let a job title name an identity word.
    words.update(w.lower() for job in _job_titles() for w in job.split())
    return frozenset(words)


FRAME_WORDS = _frame_words()
SAFE_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 .\-]*[A-Za-z0-9])?")
DOMAIN_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?:com|io|co|net|ai)")

# Lower bounds on the total (train + test) size of each category, checked after building.
MIN_TOTALS = {
    "first_names": 300, "last_names": 300, "companies": 150, "external_domains": 100, "cities": 150,
    "project_names": 150, "hotels": 100, "restaurants": 100, "job_titles": 200,
}  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def _clean_words(
    words: Iterable[str], lo: int, hi: int, exclude: Iterable[set[str] | frozenset[str]] = ()
) -> dict[str, str]:
    """Map lowercase -> display form for plain ASCII-letter words of length lo..hi, first spelling wins."""
    excluded = set().union(*exclude)
    out: dict[str, str] = {}
    for word in words:
        word = word.strip()
        if not (word.isascii() and word.isalpha() and lo <= len(word) <= hi):
            continue
        key = word.lower()
        if key in excluded or key in FRAME_WORDS or key in out:
            continue
        out[key] = word[0].upper() + word[1:]
    return out


def _shuffled(rng: random.Random, items: Iterable[str]) -> list[str]:
    """Sorted, deduplicated, then shuffled with the seeded generator."""
    out = sorted(set(items))
    rng.shuffle(out)
    return out


def _split(rng: random.Random, items: Iterable[str]) -> tuple[list[str], list[str]]:
    """Sorted, shuffled, and cut ~70/30 into (train, test)."""
    out = _shuffled(rng, items)
    cut = round(len(out) * TRAIN_FRACTION)
    return out[:cut], out[cut:]


def _colour_words() -> list[str]:
    """Code-name-worthy words from Faker's colour list ("CornflowerBlue" -> "Cornflower")."""
    words: list[str] = []
    for colour in ColorProvider.all_colors:
        words.extend(p for p in re.findall(r"[A-Z][a-z]*", colour) if p.lower() not in COLOUR_MODIFIERS)
    # Two-part colours that read as one word.
    words.extend(["Goldenrod", "Honeydew", "Seashell", "Firebrick", "Papaya", "Peach"])
    return words


def _allocate(words: list[str], fractions: dict[str, float]) -> dict[str, list[str]]:
    """Cut an (already shuffled) word list into consecutive chunks by fraction; the last takes the rest."""
    out: dict[str, list[str]] = {}
    start = 0
    names = list(fractions)
    for i, name in enumerate(names):
        end = len(words) if i == len(names) - 1 else start + round(len(words) * fractions[name])
        out[name] = words[start:end]
        start = end
    return out


def _weighted_tld(rng: random.Random) -> str:
    return rng.choices([t for t, _ in COMPANY_TLDS], weights=[w for _, w in COMPANY_TLDS])[0]


def _companies(
    rng: random.Random, words: list[str], display: dict[str, str], compactable: set[str], taken: set[str]
) -> list[dict]:
    """One company per word: "Harbor Dynamics"; non-surname words also "Harborline Systems", "Harborline"."""
    out = []
    for key in words:
        word = display[key]
        for _ in range(20):
            suffix = rng.choice(COMPANY_SUFFIXES)
            if key in compactable and rng.random() < 0.4:
                base = word + rng.choice(COMPANY_STEMS)
                name = base if rng.random() < 0.3 else f"{base} {suffix}"
            else:
                name = f"{word} {suffix}"
            domain = f"{re.sub(r'[^a-z0-9]', '', name.lower())}.{_weighted_tld(rng)}"
            if domain not in taken and len(name) <= 40:
                taken.add(domain)
                out.append({"name": name, "domain": domain})
                break
    return out


def _formatted(
    rng: random.Random, words: list[str], formats: tuple[str, ...], render: Callable[[str], str]
) -> list[str]:
    return [rng.choice(formats).format(w=render(key)) for key in words]


_CITY_PREFIXES = tuple(p + " " for p in AddressProvider.city_prefixes)
_CITY_SUFFIXES = tuple(sorted(set(AddressProvider.city_suffixes), key=len, reverse=True))


def _city_name_tokens(city: str) -> set[str]:
    """The person-name tokens a Faker city could have been built from ("East Jamesmouth" -> {"james"})."""
    rest = city
    for prefix in _CITY_PREFIXES:
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    rest = rest.lower()
    tokens = {rest}
    tokens.update(rest[: -len(s)] for s in _CITY_SUFFIXES if rest.endswith(s) and len(rest) > len(s))
    return tokens


# ---------------------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------------------


# First names that are also everyday English words. A judge looks for a person's first name in agent
# text, so "I'll be frank" must never read as naming someone called Frank.
WORD_NAMES = frozenset(
    """
    amber april art august autumn bill bob brook buck carol chase cliff crystal daisy dale dawn dean dew
    drew faith frank gale gene gil grace grant guy hazel heath holly hope hunter iris ivy jack jade jay
    jewel joy june king lance lane lily mark marsh may mason melody miles misty nick olive opal pat pearl
    penny pierce ray reed rich rob robin rock rose ruby rusty sage sandy scott sky sterling stone sue summer
    sunny taylor terry tony victoria violet wade ward will willow winter wood
    """.split()
)


def build(seed: int = DEFAULT_SEED) -> dict:
    """Build the pools; returns the JSON-ready document."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = fake.random  # the instance's own generator; the global `random` state is never used

    # Identity-word universes, made disjoint case-insensitively (and from the frame words).
    first = _clean_words(PersonProvider.first_names, 3, 10, exclude=[WORD_NAMES])
    last = _clean_words(PersonProvider.last_names, 3, 12, exclude=[set(first)])
    project = _clean_words([*_colour_words(), *PROJECT_WORDS.split()], 3, 12, exclude=[set(first), set(last)])
    place = _clean_words(PLACE_WORDS.split(), 3, 12, exclude=[set(first), set(last), set(project)])

    # A share of the last names become words for companies, hotels... rather than person last names.
    surnames = _shuffled(rng, last)
    n_place_surnames = 400
    person_last, place_surnames = surnames[n_place_surnames:], surnames[:n_place_surnames]
    display = {**first, **last, **project, **place}

    first_split = _split(rng, first)
    last_split = _split(rng, person_last)
    project_split = _split(rng, project)
    place_split = _split(rng, [*place, *place_surnames])
    job_split = _split(rng, _job_titles())

    token_split: dict[str, str] = {}
    splits: dict[str, dict[str, list]] = {}
    taken_domains: set[str] = set()
    for i, split in enumerate(("train", "test")):
        for part in (first_split, last_split, project_split, place_split):
            token_split.update(dict.fromkeys(part[i], split))
        roles = _allocate(
            place_split[i], {"companies": 0.36, "hotels": 0.20, "restaurants": 0.20, "external_domains": 0.24}
        )
        companies = _companies(rng, roles["companies"], display, set(place), taken_domains)
        externals = []
        for key in roles["external_domains"]:
            domain = rng.choice(EXTERNAL_FORMATS).format(w=key)
            if domain not in taken_domains:
                taken_domains.add(domain)
                externals.append(domain)
        splits[split] = {
            "first_names": [first[k] for k in first_split[i]],
            "last_names": [last[k] for k in last_split[i]],
            "companies": companies,
            "external_domains": externals,
            "project_names": [display[k] for k in project_split[i]],
            "hotels": _formatted(rng, roles["hotels"], HOTEL_FORMATS, display.__getitem__),
            "restaurants": _formatted(rng, roles["restaurants"], RESTAURANT_FORMATS, display.__getitem__),
            "job_titles": list(job_split[i]),
        }

    # Cities: Faker city() outputs, each assigned to the split of the person name it is built from; a city
    # whose name is in no pool (too long, or ambiguous between splits) is dropped.
    cities: dict[str, list[str]] = {"train": [], "test": []}
    seen: set[str] = set()
    targets = {"train": 175, "test": 75}
    for _ in range(20000):
        if all(len(cities[s]) >= targets[s] for s in targets):
            break
        city = fake.city()
        if city.lower() in seen or not SAFE_RE.fullmatch(city) or not (3 <= len(city) <= 30):
            continue
        seen.add(city.lower())
        owners = {token_split[t] for t in _city_name_tokens(city) if t in token_split}
        if len(owners) == 1:
            (owner,) = owners
            if len(cities[owner]) < targets[owner]:
                cities[owner].append(city)
    for split in ("train", "test"):
        splits[split]["cities"] = sorted(cities[split])

    for split in ("train", "test"):
        for category, items in splits[split].items():
            if category != "companies":
                splits[split][category] = sorted(items)
        splits[split]["companies"] = sorted(splits[split]["companies"], key=lambda c: c["name"])

    _check(splits, token_split)
    return {
        "version": VERSION,
        "seed": seed,
        "faker_version": faker.VERSION,
        "train": splits["train"],
        "test": splits["test"],
    }


def _item_strings(category: str, items: list) -> list[str]:
    if category == "companies":
        return [s for c in items for s in (c["name"], c["domain"])]
    return list(items)


def _check(splits: dict[str, dict[str, list]], token_split: dict[str, str]) -> None:
    """Fail loudly if any promised property does not hold."""
    train, test = splits["train"], splits["test"]
    assert train.keys() == test.keys() == MIN_TOTALS.keys(), sorted(train)
    for category, minimum in MIN_TOTALS.items():
        a = {s.lower() for s in _item_strings(category, train[category])}
        b = {s.lower() for s in _item_strings(category, test[category])}
        assert len(train[category]) + len(test[category]) >= minimum, category
        assert len(a) == len(_item_strings(category, train[category])), f"duplicate in train {category}"
        assert len(b) == len(_item_strings(category, test[category])), f"duplicate in test {category}"
        assert not a & b, f"{category} overlaps: {sorted(a & b)[:5]}"
        for s in a | b:
            assert SAFE_RE.fullmatch(s) and len(s) >= 3, (category, s)
    for split in splits.values():
        for name in split["first_names"]:
            assert 3 <= len(name) <= 10 and name.isalpha(), name
        for name in split["last_names"]:
            assert 3 <= len(name) <= 12 and name.isalpha(), name
        for name in split["project_names"]:
            assert 3 <= len(name) <= 12 and name.isalpha() and name[0].isupper(), name
        for job in split["job_titles"]:
            assert len(job) < 50 and "," not in job, job
    domains = [c["domain"] for s in splits.values() for c in s["companies"]]
    domains += [d for s in splits.values() for d in s["external_domains"]]
    assert len(domains) == len(set(domains)), "duplicate domain"
    for domain in domains:
        assert DOMAIN_RE.fullmatch(domain), domain

    # No word of any (non-job) entity of one split is an identity word of the other split.
    for mine in ("train", "test"):
        for category, items in splits[mine].items():
            if category == "job_titles":
                continue
            for s in _item_strings(category, items):
                for word in re.split(r"[^a-z]+", s.lower()):
                    assert token_split.get(word, mine) == mine, (mine, category, s, word)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSON path")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Faker instance seed")
    args = parser.parse_args(argv)

    doc = build(args.seed)
    text = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="ascii")
    sizes = ", ".join(f"{k}={len(doc['train'][k])}/{len(doc['test'][k])}" for k in sorted(doc["train"]))
    print(f"wrote {args.out} ({len(text.encode())} bytes; train/test: {sizes})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
