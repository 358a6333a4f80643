//! The names demo people and companies are made of (what they write is in `topics`).

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Chloe", "Lucas", "Mila", "Omar", "Priya",
    "Diego", "Hana", "Jonas", "Lea", "Mateo", "Nora", "Ravi", "Sofia", "Tariq", "Yuki", "Elena",
    "Felix", "Grace", "Ines", "Kofi", "Lena", "Marco", "Nadia", "Oscar",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Bennett",
    "Chen",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Underwood",
    "Varga",
    "Walsh",
    "Young",
    "Zimmer",
];

pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Acorn",
    "Bluebird",
    "Copper",
    "Driftwood",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meadow",
    "Nimbus",
    "Orchard",
    "Pioneer",
    "Quartz",
    "Riverside",
    "Summit",
    "Tidal",
];

pub(crate) const COMPANY_SUFFIXES: &[&str] = &[
    "Labs",
    "Studio",
    "Logistics",
    "Health",
    "Foods",
    "Analytics",
    "Outfitters",
    "Media",
];
