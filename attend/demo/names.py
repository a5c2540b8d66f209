"""Word lists for the synthetic local authority. Every surname, street, place and postcode is invented.

Forenames are ordinary given names (a forename alone identifies nobody); surnames, streets and school places are
made-up words so that nobody can mistake a demo record for a real child or family.
"""

from __future__ import annotations

FORENAMES_F = (
    "Amara Ava Bella Chloe Daisy Ella Emily Erin Evie Freya Grace Hannah Isla Ivy Jasmine Layla Lily Lucy Maya "
    "Mia Millie Nadia Olivia Phoebe Poppy Rosie Ruby Sophia Zara Aisha Fatima Maryam Zofia Amelia Harper Willow"
).split()
FORENAMES_M = (
    "Adam Alfie Archie Arlo Ben Charlie Daniel Dylan Ethan Finley Freddie George Harry Henry Isaac Jack Jacob "
    "Leo Logan Louis Max Noah Oliver Oscar Reggie Rory Sam Theo Toby Tommy Yusuf Ibrahim Kacper Omar Musa Zain"
).split()
# Invented surnames: whimsical compounds that are not real family names.
SURNAMES = (
    "Abblethwaite Bramblewick Crumpleton Dandywhistle Fizzlewood Gobbleston Hobbleridge Jibberton Kettlewhisk "
    "Lumpkinshaw Mumbleby Nibbleworth Pennywhistle Quibbleton Rumbleford Snickerby Tumbleweed Wobblestone "
    "Yawnington Zigzagger Bumblecroft Doodlesby Flapjackson Giggleswick Honkleberry Jinglepot Kerfufflin "
    "Lollygagger Muddlecombe Noodleham Piddlewick Quackenbush Rigmarolle Skedaddler Twiddlebury Wafflesworth "
    "Blunderbrook Cobblesnout Dithersby Fumbleton Gadzookson Hullaballoo Jabberwick Knickerbocks Lickety "
    "Mollycoddle Nincompoof Oddsocks Puddlejump Razzmatazz Shufflebottom Tiddlywink Umbrellow Whippersnap "
    "Zoodleby Brouhaha Clatterbuck Dillydally Fiddlefaddle"
).split()
TITLES_F = ("Ms", "Mrs", "Miss", "Dr", "Mx")
TITLES_M = ("Mr", "Mr", "Mr", "Dr", "Mx")
STREETS = (
    "Pretend Lane Sample Street Fictional Road Imaginary Close Makebelieve Avenue Placeholder Way Dummy Crescent "
    "Mockup Mews Notreal Drive Testcard Terrace Hypothesis Gardens Madeup Row"
)
STREETS = tuple(" ".join(pair) for pair in zip(STREETS.split()[0::2], STREETS.split()[1::2], strict=True))
AREAS = ("Mockford Estate", "Lower Demoton", "Upper Demoton", "Sampleham", "Fauxbridge", "", "", "")
TOWN = "Demoton"
# No UK postcode area starts with Q, so "QD" (Demoshire) postcodes cannot be real.
POSTCODE_AREA = "QD"
# Inward codes never use C, I, K, M, O or V.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
SCHOOL_PLACES = (
    "Bramblewick Fiddlesworth Puddleby Wobbleton Nettlecombe Mumbleford Quillhaven Snorbury Tattlebridge "
    "Whiskerfield Crumbleham Dimpleton Fernwhistle Gorsebottom Hummingdale Juniperwick Kipperton Larkspurry "
    "Mossington Nutmeg-on-Sea Oddlington Pebbleworth Rustlewood Sprocketby Thimbleton Umberwick Velvetmoor "
    "Wigglesworth Yarrowfold Zephyrton"
).split()
PRIMARY_KINDS = (
    "Primary School",
    "Primary Academy",
    "Church of England Primary School",
    "Infant and Junior School",
)
SECONDARY_KINDS = ("Academy", "High School", "School", "Community College")
TRUSTS = ("Demo Learning Partnership (DEMO)", "Pretend Academies Trust (DEMO)", "Sample Schools Trust (DEMO)")

# DfE ethnicity codes (4 letters) with rough shares for an English county.
ETHNICITIES = (
    ("WBRI", 0.64),
    ("WOTH", 0.06),
    ("WIRI", 0.005),
    ("WIRT", 0.002),
    ("WROM", 0.004),
    ("MWBC", 0.015),
    ("MWBA", 0.008),
    ("MWAS", 0.015),
    ("MOTH", 0.02),
    ("AIND", 0.03),
    ("APKN", 0.05),
    ("ABAN", 0.02),
    ("AOTH", 0.015),
    ("BCRB", 0.008),
    ("BAFR", 0.04),
    ("BOTH", 0.005),
    ("CHNE", 0.006),
    ("OOTH", 0.02),
    ("REFU", 0.012),
    ("NOBT", 0.015),
)
# Families who observe Eid (for code R on Eid days): a share of these ethnic groups.
EID_ETHNICITIES = {
    "APKN": 0.9,
    "ABAN": 0.9,
    "AOTH": 0.4,
    "BAFR": 0.35,
    "OOTH": 0.4,
    "AIND": 0.15,
    "MWAS": 0.3,
}
TRAVELLER_ETHNICITIES = ("WIRT", "WROM")
# First languages other than English: (DfE code, language name for the contact record).
OTHER_LANGUAGES = (
    ("POL", "Polish"),
    ("URD", "Urdu"),
    ("PNJ", "Panjabi"),
    ("BNG", "Bengali"),
    ("SOM", "Somali"),
    ("ARA", "Arabic"),
    ("RMN", "Romanian"),
    ("POR", "Portuguese"),
    ("TUR", "Turkish"),
    ("GUJ", "Gujarati"),
)
