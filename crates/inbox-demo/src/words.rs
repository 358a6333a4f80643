//! The words demo tickets are made of.

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

pub(crate) const FEATURES: &[&str] = &[
    "CSV export",
    "invoice PDF",
    "team calendar",
    "Slack integration",
    "mobile app",
    "password reset",
    "two-factor login",
    "billing page",
    "API webhooks",
    "search",
    "dashboard",
    "SSO login",
    "file uploads",
    "email digest",
    "user invitations",
];

pub(crate) const BUG_TITLES: &[&str] = &[
    "{f} fails with an error",
    "{f} is very slow since yesterday",
    "Can't use the {f} on Safari",
    "{f} shows the wrong totals",
    "Blank screen when opening the {f}",
    "{f} stopped working after the update",
];

pub(crate) const ACCESS_TITLES: &[&str] = &[
    "Locked out after too many login attempts",
    "Can't log in after the {f} change",
    "Need to transfer account ownership",
    "Verification email never arrives",
    "Remove a former employee's access",
];

pub(crate) const REFUND_TITLES: &[&str] = &[
    "Refund for order {n}",
    "Charged twice for order {n}",
    "Cancel subscription and refund order {n}",
    "Wrong plan billed on order {n}",
];

pub(crate) const BILLING_TITLES: &[&str] = &[
    "Reconcile invoice {n} with payment provider",
    "Chargeback on invoice {n}",
    "Approve credit note for invoice {n}",
    "Tax ID missing on invoice {n}",
];

pub(crate) const SECURITY_TITLES: &[&str] = &[
    "Review suspicious logins on {c}",
    "Vendor security questionnaire for {c}",
    "Data deletion request from {c}",
];

pub(crate) const TRACKER_TITLES: &[&str] = &[
    "{f}: intermittent 500 errors",
    "{f} times out for large workspaces",
    "{f} broken on iOS 18",
    "Outage: {f} unavailable in EU region",
    "{f} sends duplicate notifications",
];

pub(crate) const CUSTOMER_OPENERS: &[&str] = &[
    "Hi there, I've been trying to sort this out all morning and could use some help.",
    "Hello! Something seems off on our account, can you take a look?",
    "Hey team, this is blocking our work today. Details below.",
    "Good afternoon, following up on a problem my colleague mentioned last week.",
];

pub(crate) const TEAMMATE_REPLIES: &[&str] = &[
    "Thanks for reaching out! I'm looking into this now and will update you shortly.",
    "Sorry about the trouble. Could you send a screenshot of what you see?",
    "I've reproduced the issue and passed it on to our engineers. I'll keep you posted.",
    "Good news: this should be fixed now. Could you try again and let me know?",
    "I've gone ahead and processed that for you. Anything else I can help with?",
];

pub(crate) const CUSTOMER_FOLLOW_UPS: &[&str] = &[
    "Thanks, here is the screenshot you asked for.",
    "Just tried again and it works now, thank you!",
    "Still seeing the same problem, unfortunately.",
    "Any update on this? We have a deadline on Friday.",
];

pub(crate) const NOTES: &[&str] = &[
    "Checked the logs: the request fails in the payment service. Looping in billing.",
    "VIP customer, renewal next month. Let's keep them in the loop.",
    "Likely the same root cause as the tracker for this feature.",
    "@finance can you confirm the refund went through on your side?",
    "Customer confirmed by phone. Safe to proceed.",
];
