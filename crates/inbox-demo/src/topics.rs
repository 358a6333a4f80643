//! What demo customers write about: one topic per problem or question, with the whole
//! exchange it takes (the customer's opening message, the team's answers and the customer's
//! follow-ups in the order a real thread has them, internal notes), so every ticket and
//! conversation of the demo reads as one coherent story.
//!
//! Placeholders: `{n}` an order or invoice number, `{c}` the customer's company, `{w}` their
//! workspace address.

/// Which ticket type a topic fits, or none (a question only ever asked in a conversation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A product problem: a "Bug report", which trackers of the same feature collect.
    Bug,
    Refund,
    Access,
    /// A how-to question, answered in the conversation; never a ticket.
    Question,
    /// Back-office: "Billing investigation".
    Billing,
    /// Back-office: "Security review".
    Security,
}

impl Kind {
    /// The kind of topic a ticket type's tickets are about.
    pub(crate) fn of_type(name: &str) -> Kind {
        match name {
            "Refund request" => Kind::Refund,
            "Account access" => Kind::Access,
            "Billing investigation" => Kind::Billing,
            "Security review" => Kind::Security,
            _ => Kind::Bug,
        }
    }
}

pub(crate) struct Topic {
    pub(crate) kind: Kind,
    /// The product area; for a bug, the feature its title and its tracker's title name
    /// (trackers collect the bug reports of their feature).
    pub(crate) feature: &'static str,
    /// The team that handles it.
    pub(crate) team: &'static str,
    /// The ticket's title.
    pub(crate) title: &'static str,
    /// The subject of a conversation about it.
    pub(crate) subject: &'static str,
    /// The customer's first message (a customer ticket's description).
    pub(crate) opener: &'static str,
    /// The team's side of a back-office ticket (empty for customer topics).
    pub(crate) description: &'static str,
    /// The team's answers in story order; the last one resolves it.
    pub(crate) replies: &'static [&'static str],
    /// The customer's answers in story order, each one to the reply before; the last one
    /// thanks for the resolution.
    pub(crate) follow_ups: &'static [&'static str],
    /// Internal notes, in any order.
    pub(crate) notes: &'static [&'static str],
    /// Bugs: the tracker engineering opens for it, its component and the steps to reproduce.
    pub(crate) tracker: &'static str,
    pub(crate) component: &'static str,
    pub(crate) steps: &'static str,
}

const EMPTY: Topic = Topic {
    kind: Kind::Question,
    feature: "",
    team: "Support",
    title: "",
    subject: "",
    opener: "",
    description: "",
    replies: &[],
    follow_ups: &[],
    notes: &[],
    tracker: "",
    component: "",
    steps: "",
};

pub(crate) const TOPICS: &[Topic] = &[
    // Bugs: one per feature.
    Topic {
        kind: Kind::Bug,
        feature: "CSV export",
        title: "CSV export fails with a server error",
        subject: "CSV export keeps failing",
        opener: "Hi, every time I export last quarter's tickets to CSV I get \"Something went wrong (500)\". Smaller date ranges work. We need this file for our monthly report.",
        replies: &[
            "Thanks for the report! Does it fail for any range over a month, or only for last quarter? And roughly how many rows do you expect in the file?",
            "Thanks, that helps. I could reproduce it with a workspace of your size: exports over about 50,000 rows time out on our side. I've passed it to our engineers with your example.",
            "Our engineers shipped a fix this morning: large exports now run in the background and you get an email with the file when it's ready. Could you try last quarter again?",
        ],
        follow_ups: &[
            "It fails for anything longer than about six weeks. Last quarter should be around 80,000 rows.",
            "Any news on the export? Our report is due on Friday.",
            "Just got the email with the file, all 80,000 rows are there. Thanks a lot!",
        ],
        notes: &[
            "Reproduced on staging with 60k rows: the export request hits the 30 s gateway timeout.",
            "Same root cause as the export tracker, so they'll hear from us when the fix ships.",
            "Sent them last quarter's export by hand meanwhile so the report isn't blocked.",
        ],
        tracker: "CSV export: intermittent 500 errors on large date ranges",
        component: "Web app",
        steps: "1. Open Reports › Export\n2. Pick last quarter as the date range\n3. Click Export CSV\n4. Error 500 after about 30 seconds",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "invoice PDF",
        title: "Invoice PDF download shows a blank page",
        subject: "Our invoice PDF is blank",
        opener: "Hello, when I download our latest invoice as a PDF, the file opens as an empty white page. Our accounting team needs it to book the payment.",
        replies: &[
            "Sorry about that! Which invoice is it, and which app do you open the PDF with?",
            "Thanks! I see the same blank page on my side: our PDF generator chokes on billing addresses longer than three lines. Engineering is on it.",
            "The fix is live and invoice PDFs now render with long addresses. Could you download it again?",
        ],
        follow_ups: &[
            "It's the invoice from the 1st of this month. I tried Preview and Adobe Reader, both show a blank page.",
            "Hi again, any progress? Accounting keeps chasing me for it.",
            "Downloaded it again and everything's there now. Thank you!",
        ],
        notes: &[
            "Their billing address has five lines; the PDF template overflows and renders nothing.",
            "Sent them the invoice data as a plain email meanwhile so accounting isn't blocked.",
        ],
        tracker: "Invoice PDF renders blank for long billing addresses",
        component: "Billing",
        steps: "1. Open Billing › Invoices\n2. Click Download PDF on the latest invoice\n3. Open the file: the page is blank",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "team calendar",
        title: "Team calendar shows meetings an hour late",
        subject: "Meetings in the team calendar are an hour off",
        opener: "Hi there, since last weekend every meeting in the team calendar shows one hour later than it really is. Our Google Calendar is correct.",
        replies: &[
            "Thanks for flagging this! Which time zone is set in your profile, and does it happen for every teammate?",
            "Got it, thanks. This is a bug in how the team calendar handles the daylight saving change. I've reported it to our engineers.",
            "A fix went out today: the calendar follows the daylight saving change again. Could you reload the page and check this week's meetings?",
        ],
        follow_ups: &[
            "Our profiles are all set to Europe/Berlin, and everyone on the team sees the same shift.",
            "Still an hour off this morning. We keep missing the start of calls.",
            "Reloaded and the times are right again. Thanks for sorting this out!",
        ],
        notes: &[
            "Events created before the DST switch are stored with the old UTC offset.",
            "Three other Berlin customers reported the same thing this week.",
        ],
        tracker: "Team calendar ignores the daylight saving change",
        component: "Web app",
        steps: "1. Set the profile time zone to Europe/Berlin\n2. Create a meeting before the DST switch\n3. Open the team calendar after the switch: it shows one hour late",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "Slack integration",
        title: "Slack integration stopped posting new tickets",
        subject: "No more Slack notifications",
        opener: "Hey, our #support channel in Slack hasn't received a single new ticket notification since yesterday. Nothing changed on our side as far as I know.",
        replies: &[
            "Thanks for letting us know! Could you check under Settings › Integrations whether Slack still shows as connected?",
            "Thanks. The Slack connection token stopped refreshing, which is a bug on our side. I've raised it with engineering; reconnecting Slack works as a stopgap.",
            "Engineering fixed the token refresh, so the connection stays up now. Could you confirm notifications are coming through again?",
        ],
        follow_ups: &[
            "It says connected, but the last event in the log is from yesterday at 3pm.",
            "Reconnecting helped for a few hours, then it stopped again.",
            "Notifications have been coming in all day. Thanks!",
        ],
        notes: &[
            "Their Slack token expired at 14:58 and the refresh job logged invalid_grant.",
            "Workaround for now: reconnect from Settings › Integrations.",
        ],
        tracker: "Slack integration: tokens not refreshed after 12 hours",
        component: "API",
        steps: "1. Connect Slack under Settings › Integrations\n2. Wait 12 hours\n3. Create a ticket: nothing is posted to Slack",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "mobile app",
        title: "Mobile app crashes when opening a ticket",
        subject: "The app crashes on my iPhone",
        opener: "Hi, the iPhone app closes right away whenever I tap a ticket that has an attachment. I've already reinstalled it.",
        replies: &[
            "Sorry about the crashes! Which app version and iOS version are you on? You'll find the app version under Settings › About.",
            "Thanks! We can reproduce it on iOS 18 with image attachments. Our mobile team is working on a fix; the web app works in the meantime.",
            "Version 4.12 is now in the App Store and fixes the crash. Could you update and give it another try?",
        ],
        follow_ups: &[
            "App version 4.11.2 on iOS 18.1, iPhone 15.",
            "Any idea when the fix will be out? I'm on the road a lot this week.",
            "Updated to 4.12 and the tickets open fine now. Thank you!",
        ],
        notes: &[
            "Crash reports point at the image thumbnail decoder on iOS 18.",
            "Customer mostly works from the phone; worth a personal follow-up when 4.12 ships.",
        ],
        tracker: "Mobile app crashes on iOS 18 when a ticket has attachments",
        component: "Mobile",
        steps: "1. Open the iPhone app on iOS 18\n2. Tap a ticket with an image attachment\n3. The app closes",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "password reset",
        title: "Password reset link says it has expired",
        subject: "My reset link has already expired",
        opener: "Hello, I requested a password reset three times and each link says \"This link has expired\" the moment I click it.",
        replies: &[
            "Sorry for the trouble! Which email provider do you use, and do you open the link on the same device you requested it from?",
            "Thanks. Some email providers open links to scan them before you do, which uses up the one-time link. Our engineers are changing this.",
            "The fix is live: reset links now survive email link scanners. Could you request a new one and let me know if it works?",
        ],
        follow_ups: &[
            "We use Outlook through our company's Microsoft 365, and yes, the same laptop.",
            "Tried again this morning, and the new link expired too, I'm afraid.",
            "That worked, I'm back in. Thanks!",
        ],
        notes: &[
            "Their Microsoft 365 tenant has Safe Links on: the scanner consumes the token.",
            "Logs show each token used twice within a second, from a Microsoft IP first.",
        ],
        tracker: "Password reset links expire at once behind email link scanners",
        component: "Auth",
        steps: "1. Request a password reset to an Outlook address with Safe Links\n2. Click the link in the email\n3. The page says the link has expired",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "two-factor login",
        title: "Two-factor login codes are always rejected",
        subject: "My two-factor code isn't accepted",
        opener: "Hi, since this morning my two-factor code is rejected every time, even though I type it in well before it changes.",
        replies: &[
            "Sorry about that! Which authenticator app do you use? And could you check that your phone's time is set automatically?",
            "Thanks. We accept a very small time window right now, so a phone clock that is off by 30 seconds fails. Engineering is widening that window.",
            "We've shipped the wider window, so codes from a slightly drifting clock are accepted now. Could you try logging in again?",
        ],
        follow_ups: &[
            "Google Authenticator. The time was set by hand; I've switched it to automatic, but the code still fails.",
            "Still locked out. I'm borrowing a colleague's account in the meantime, which isn't great.",
            "Logged in on the first try. Thank you!",
        ],
        notes: &[
            "Codes arrive one step late; their phone clock was 40 s behind.",
            "Verified the customer's identity by video call before discussing the account.",
        ],
        tracker: "Two-factor login rejects codes when the phone clock drifts",
        component: "Auth",
        steps: "1. Set the phone clock 40 seconds behind\n2. Sign in and enter the authenticator code\n3. The code is rejected",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "billing page",
        title: "Billing page won't save our new credit card",
        subject: "Can't update our credit card",
        opener: "Hello, I'm trying to replace our expiring credit card on the billing page, but after the bank confirmation it just says \"Card could not be saved\".",
        replies: &[
            "Thanks for reaching out! Does your bank ask you to confirm in its app or by SMS when you add the card?",
            "That's the cause: the billing page currently loses the bank's 3-D Secure confirmation. I've reported it to engineering and extended your current card's grace period by 14 days.",
            "The billing page now completes the bank confirmation properly. Could you try adding the card again?",
        ],
        follow_ups: &[
            "Yes, I confirm it in my banking app and then the error shows up.",
            "Thanks for the extra time. Is there any update on the fix?",
            "The new card is saved. Thanks for the help!",
        ],
        notes: &[
            "Payment provider log: the 3DS challenge succeeded, but our callback never fired.",
            "Extended their grace period to avoid a failed renewal.",
        ],
        tracker: "Billing page: card update fails when 3-D Secure is required",
        component: "Billing",
        steps: "1. Open Billing › Payment method\n2. Add a card that requires 3-D Secure\n3. Confirm in the banking app: \"Card could not be saved\"",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "API webhooks",
        title: "API webhooks arrive twice",
        subject: "Every webhook is delivered twice",
        opener: "Hi team, our endpoint gets every ticket.created webhook twice, a few seconds apart. It creates duplicate records on our side.",
        replies: &[
            "Thanks for the report! Could you send us the delivery IDs of one pair of duplicates? And how long does your endpoint take to answer?",
            "Thanks! Your endpoint answers in about 11 seconds and we retry after 10, so both deliveries go through. Engineering is fixing the retry; meanwhile you can drop duplicates by delivery ID.",
            "We've deployed the fix: a webhook is retried only after 30 seconds now, and never once it succeeded. Could you confirm the duplicates are gone?",
        ],
        follow_ups: &[
            "Delivery IDs wh_8f2a and wh_8f2b. Our endpoint does some work before it answers, so 10 seconds or more.",
            "We've added the deduplication, but we'd still like to know when the fix ships.",
            "No duplicates since yesterday. Thanks!",
        ],
        notes: &[
            "Retry timeout is 10 s and their endpoint answers in ~11 s: a classic double delivery.",
            "Engineering suggests documenting the delivery ID as the idempotency key.",
        ],
        tracker: "API webhooks: duplicate deliveries after a retry",
        component: "API",
        steps: "1. Register a webhook endpoint that answers after 11 seconds\n2. Create a ticket\n3. The endpoint receives ticket.created twice",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "search",
        title: "Search finds nothing in older tickets",
        subject: "Older tickets don't show up when I look them up",
        opener: "Hi, when I look up a customer name I know is in our tickets from last year, I get no results. Recent tickets show up fine.",
        replies: &[
            "Thanks for the details! Could you give me one term you looked up and a ticket number that should match it?",
            "Thanks, I can see it: tickets from before our last upgrade were not re-indexed for some workspaces, yours included. Engineering is re-indexing them.",
            "Your workspace has been fully re-indexed. Could you try the same lookup again?",
        ],
        follow_ups: &[
            "Looking up \"Hartmann\" should find ticket 1532 from last March.",
            "Is the re-indexing still running? Still no results for last year.",
            "Found it right away now, and a few others I'd given up on. Thanks!",
        ],
        notes: &[
            "Index count for this workspace is ~40% below its ticket count.",
            "Re-index job queued; it takes a few hours for a workspace this size.",
        ],
        tracker: "Search index misses tickets created before the upgrade",
        component: "Web app",
        steps: "1. Look up a name that appears in a ticket from last year\n2. No results\n3. The same name in a recent ticket is found",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "dashboard",
        title: "Dashboard charts show no data",
        subject: "Our dashboard is empty",
        opener: "Hey, all charts on our dashboard have been empty since Monday, just \"No data for this period\". We definitely had tickets this week.",
        replies: &[
            "Thanks for letting us know! Does it happen for every date range, or only for \"This week\"?",
            "Thanks, that narrowed it down: workspaces whose week starts on Sunday get an empty range for \"This week\". Our engineers are on it; \"Last 7 days\" shows the right data meanwhile.",
            "The fix is out: \"This week\" now follows your week start. Could you check the dashboard again?",
        ],
        follow_ups: &[
            "Only \"This week\"; \"Last 7 days\" looks fine. Our week starts on Sunday.",
            "We're using \"Last 7 days\" for now, but our weekly meeting relies on the \"This week\" view.",
            "The charts are back. Thanks!",
        ],
        notes: &[
            "Their week starts on Sunday; the range query ends before it starts.",
            "Only workspaces with a custom week start are affected, per engineering.",
        ],
        tracker: "Dashboard charts empty when the week starts on Sunday",
        component: "Web app",
        steps: "1. Set the week start to Sunday\n2. Open the dashboard\n3. Pick \"This week\": every chart is empty",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "SSO login",
        title: "SSO login loops back to the sign-in page",
        subject: "Stuck in a login loop with Okta",
        opener: "Hi, some of our team get sent back to the sign-in page right after signing in with Okta. It started after we renamed a few email addresses.",
        replies: &[
            "Sorry about that! Could you tell me one affected email address, and whether it's written with capital letters in Okta?",
            "Thanks, that's it: we compare the email from Okta case-sensitively, so renamed addresses with capitals no longer match. Engineering is fixing it; I've matched the affected accounts by hand meanwhile.",
            "We've released the fix: email addresses from your identity provider are matched regardless of case. Could your team try signing in again?",
        ],
        follow_ups: &[
            "For example Lena.Fischer@ is written with capitals in Okta, and she's stuck.",
            "Two more colleagues are stuck now, after another rename this morning.",
            "Everyone's in again. Thanks for the quick help!",
        ],
        notes: &[
            "Okta sends the email in lowercase; our accounts store it with capitals.",
            "Matched the three affected accounts manually until the fix ships.",
        ],
        tracker: "SSO login loop when the identity provider changes an email's case",
        component: "Auth",
        steps: "1. Rename a user in Okta with capital letters\n2. Sign in with SSO\n3. You land on the sign-in page again",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "file uploads",
        title: "File uploads stop at 99%",
        subject: "Attachments won't upload",
        opener: "Hello, attaching our product brochure (about 30 MB) to a reply gets stuck at 99% forever. Smaller files upload fine.",
        replies: &[
            "Thanks for the report! Which browser do you use, and does it also happen with another file of the same size?",
            "Thanks. Uploads over 25 MB stall because of a limit on our side that the progress bar doesn't tell you about. Engineering is raising the limit and adding a proper message.",
            "The new limit is live: files up to 100 MB upload now. Could you try the brochure again?",
        ],
        follow_ups: &[
            "Chrome, and yes, another 28 MB PDF got stuck too.",
            "Any update? We've been sending the brochure through a download link in the meantime.",
            "The brochure went through. Thank you!",
        ],
        notes: &[
            "The upload proxy rejects bodies over 25 MB, but the client only shows the stall.",
            "Offered a shared link workaround until the limit is raised.",
        ],
        tracker: "File uploads over 25 MB stall at 99%",
        component: "Web app",
        steps: "1. Open a ticket and click Attach\n2. Pick a 30 MB file\n3. The progress bar stops at 99%",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "email digest",
        title: "Daily email digest never arrives",
        subject: "I'm not getting the daily digest",
        opener: "Hi, I turned on the daily email digest two weeks ago and haven't received a single one. The spam folder is empty too.",
        replies: &[
            "Thanks for reaching out! Could you confirm the email address the digest should go to, and your time zone?",
            "Thanks! Digests are currently skipped for time zones ahead of UTC because of a scheduling bug. I've reported it to our engineers.",
            "The scheduling fix is deployed. Your digest should arrive tomorrow morning; let me know if it doesn't.",
        ],
        follow_ups: &[
            "It's the address I write from, and I'm in Tokyo (UTC+9).",
            "Still nothing this morning, just checking in.",
            "Got my first digest today. Thanks!",
        ],
        notes: &[
            "The digest job computes 'yesterday' in UTC and finds nothing for users east of UTC.",
            "Affects every user ahead of UTC, per the digest logs.",
        ],
        tracker: "Email digest skipped for users in time zones ahead of UTC",
        component: "Web app",
        steps: "1. Set the profile time zone to Asia/Tokyo\n2. Turn on the daily email digest\n3. No digest is sent the next morning",
        ..EMPTY
    },
    Topic {
        kind: Kind::Bug,
        feature: "user invitations",
        title: "User invitations end with \"invalid token\"",
        subject: "New colleagues can't accept their invitation",
        opener: "Hi, I invited two new colleagues today and both get \"invalid token\" when they click the link in the invitation email.",
        replies: &[
            "Thanks for the heads-up! Did you resend the invitations at some point, or were they sent only once?",
            "Thanks, that's the trigger: resending an invitation invalidates the first link, and the first email is the one people usually open. Engineering is fixing it; I've sent your colleagues fresh links.",
            "We've fixed it: every invitation link stays valid until it's used. Could your colleagues try again from any of the emails?",
        ],
        follow_ups: &[
            "I resent them once because they didn't arrive right away.",
            "One of them got in with the fresh link; the other still sees the error.",
            "Both are in now. Thanks!",
        ],
        notes: &[
            "Each resend rotates the invitation token, so the first email's link stops working.",
            "Sent fresh invitation links by hand.",
        ],
        tracker: "User invitations: token invalid once the invitation is resent",
        component: "Auth",
        steps: "1. Invite a new user\n2. Resend the invitation\n3. Open the first email's link: \"invalid token\"",
        ..EMPTY
    },
    // Refunds.
    Topic {
        kind: Kind::Refund,
        feature: "billing",
        team: "Billing",
        title: "Charged twice for order ORD-{n}",
        subject: "We were charged twice",
        opener: "Hi, our card was charged twice for order ORD-{n} on the same day. Could you refund the second charge?",
        replies: &[
            "Sorry about that! I can see both charges for ORD-{n}. Could you confirm the last four digits of the card, so I refund the right one?",
            "Thanks! I've started the refund of the duplicate charge; it usually takes 5 to 10 business days to show on your statement.",
            "The refund is complete on our side and the bank has confirmed it. It should be on your statement now.",
        ],
        follow_ups: &[
            "The card ends in 4421.",
            "It's been a week and I don't see the refund yet. Could you check?",
            "It's there now. Thanks for your help!",
        ],
        notes: &[
            "Double charge from a payment retry after a timeout; second charge refunded.",
            "@finance can you confirm the refund of ORD-{n} went through on your side?",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Refund,
        feature: "billing",
        team: "Billing",
        title: "Refund the unused months of order ORD-{n}",
        subject: "Refund after cancelling our annual plan",
        opener: "Hello, we cancelled our annual plan last week (order ORD-{n}) because we're merging with another company. Can we get a refund for the remaining months?",
        replies: &[
            "Thanks for letting us know, and sorry to see you go! Annual plans can be refunded pro rata within the first six months. Could you confirm the cancellation date?",
            "Thanks! You're within the window, so I've asked our billing team to refund the eight unused months.",
            "The pro-rata refund for ORD-{n} has been issued. You'll get a credit note by email too.",
        ],
        follow_ups: &[
            "We cancelled on the 3rd.",
            "Just checking whether the refund has been approved?",
            "Received the credit note, thank you!",
        ],
        notes: &[
            "Within the six-month window; pro-rata refund of 8 months approved.",
            "Churn reason: merger. Tagged for the account team.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Refund,
        feature: "billing",
        team: "Billing",
        title: "Wrong plan billed on order ORD-{n}",
        subject: "We were billed for the wrong plan",
        opener: "Hi, we downgraded to the Starter plan last month, but order ORD-{n} billed us for Business again. Can you refund the difference?",
        replies: &[
            "Sorry for the confusion! I see the downgrade in your account. When did you make the change, so I can check why it didn't apply?",
            "Thanks. The downgrade was scheduled for the next renewal rather than the current one. I've applied it now and requested a refund of the difference.",
            "The difference has been refunded, and your plan shows Starter from now on.",
        ],
        follow_ups: &[
            "I changed it on the 14th, right after our team shrank.",
            "Is the refund approved? Our finance team is asking.",
            "Perfect, I can see Starter now. Thanks!",
        ],
        notes: &[
            "The downgrade was queued for renewal instead of applied at once; a known point of confusion.",
            "Refund of the plan difference approved by billing.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Refund,
        feature: "billing",
        team: "Billing",
        title: "Refund order ORD-{n}, charged after the trial was cancelled",
        subject: "Charged after cancelling the trial",
        opener: "Hello, I cancelled our trial before it ended, but we were still charged for order ORD-{n}. Please refund it.",
        replies: &[
            "Sorry about that! Roughly when did you cancel? I want to check what happened in our logs.",
            "Thanks. The cancellation went through a few minutes after the trial converted, so the charge came first. I've requested a full refund.",
            "The full refund of ORD-{n} is done; it should show on your statement within a few days.",
        ],
        follow_ups: &[
            "On the last day of the trial, in the evening.",
            "Any update on the refund?",
            "I see it on my card. Thanks!",
        ],
        notes: &[
            "The trial converted at 18:00 UTC and was cancelled at 18:06. A full refund is fair.",
            "Suggested a reminder email before trials convert; passed to product.",
        ],
        ..EMPTY
    },
    // Account access.
    Topic {
        kind: Kind::Access,
        feature: "login",
        title: "Locked out after too many login attempts",
        subject: "I'm locked out of my account",
        opener: "Hi, I mistyped my password a few times and now it says my account is locked. I have a customer call in an hour and need access.",
        replies: &[
            "Sorry about that! For your security, could you confirm your workspace's address and the name of its admin?",
            "Thanks! I've confirmed it with your admin and am unlocking the account now.",
            "Your account is unlocked. If it happens again, the lock lifts by itself after 30 minutes.",
        ],
        follow_ups: &[
            "It's {w}, and our admin is my manager, Daniel.",
            "It still says locked on my side. Is it done?",
            "I'm back in, just in time. Thank you!",
        ],
        notes: &[
            "Admin confirmed by email; unlocked the account.",
            "12 failed attempts from the same IP: a typo rather than an attack.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Access,
        feature: "account ownership",
        title: "Transfer account ownership for {w}",
        subject: "Transferring ownership of our workspace",
        opener: "Hello, I'm leaving the company at the end of the month. How do I transfer ownership of our workspace {w} to my colleague?",
        replies: &[
            "Thanks for planning ahead! Only the current owner can request this. Who should become the owner?",
            "Thanks. I've sent a confirmation email to both of you; the transfer happens as soon as your colleague accepts.",
            "The transfer is done: your colleague is now the owner, and you stay an admin until they remove you.",
        ],
        follow_ups: &[
            "My colleague Marta; she already has an admin account.",
            "Marta says she hasn't received the confirmation email.",
            "Marta confirmed she's the owner now. Thanks!",
        ],
        notes: &[
            "Ownership transfer requested by the current owner; both confirmed by email.",
            "Resent the confirmation email; the first one hit their spam filter.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Access,
        feature: "sign-up",
        title: "Verification email never arrives",
        subject: "No verification email",
        opener: "Hi, I signed up with my work address but the verification email never arrives. I've checked spam and requested it again twice.",
        replies: &[
            "Sorry about that! Could you double-check the address you signed up with, and whether your company filters email from new senders?",
            "Thanks. Our logs show your mail server rejecting the email as an unknown sender. Could you ask your IT team to allow mail from northwind.example?",
            "I've verified your address by hand, so you can sign in now.",
        ],
        follow_ups: &[
            "The address is right. I've asked IT about filtering.",
            "IT says we're allowed now, but nothing has arrived yet.",
            "I'm in, thank you!",
        ],
        notes: &[
            "Their mail gateway bounces us with 550 sender rejected.",
            "Verified the address by hand after confirming the domain.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Access,
        feature: "teammates",
        title: "Remove a former employee's access",
        subject: "Please remove a former employee's access",
        opener: "Hello, one of our employees left yesterday and we can't find how to remove his access. He was also the one who set up our account.",
        replies: &[
            "Thanks for reaching out! Are you an admin of the workspace? If so, you can remove him under Settings › Teammates; otherwise we need an admin to confirm.",
            "Thanks. Since he was the only owner, I've asked your other admin to confirm, and I'll transfer ownership to them.",
            "Done: his access is removed and ownership has moved to your other admin. His tickets are now unassigned.",
        ],
        follow_ups: &[
            "I'm not an admin; only he and our CFO were.",
            "Our CFO replied to your email. Can you go ahead?",
            "Thanks, that was quick!",
        ],
        notes: &[
            "Former owner; the CFO (the other admin) confirmed the removal by email.",
            "Revoked his sessions and API tokens as well.",
        ],
        ..EMPTY
    },
    // Questions, answered in a conversation.
    Topic {
        kind: Kind::Question,
        feature: "SSO setup",
        title: "Set up SSO with Azure AD",
        subject: "How do we set up SSO with Azure AD?",
        opener: "Hi, we'd like everyone to sign in with Azure AD. Is SSO included in our plan, and how do we set it up?",
        replies: &[
            "Great question! SSO is included in the Business plan, which you're on. Would you use SAML or OpenID Connect?",
            "SAML works well with Azure AD. Under Settings › Security › SSO you'll find our metadata URL: add it as an enterprise app in Azure, then paste Azure's metadata URL back into our settings.",
            "You're all set: SSO with Azure AD is on for your workspace. Once a few people have tested it, you can make it mandatory under Settings › Security › SSO.",
        ],
        follow_ups: &[
            "SAML, our IT team prefers it.",
            "Our IT team set it up and test logins work. Anything else to do?",
            "Perfect, thanks for the help!",
        ],
        notes: &[
            "Business plan, so SSO is included. Their IT contact is on the thread.",
            "Sent them the Azure AD setup guide as well.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Question,
        feature: "invoices",
        team: "Billing",
        title: "Add our VAT number to invoices",
        subject: "Adding our VAT number to invoices",
        opener: "Hello, our accountant needs our VAT number on every invoice. Where can I add it?",
        replies: &[
            "Happy to help! You can add it under Billing › Company details. Would you also like us to reissue past invoices with the VAT number?",
            "No problem: I've asked our billing team to reissue this year's invoices with your VAT number. You'll find them under Billing › Invoices.",
            "The reissued invoices are ready, each with your VAT number.",
        ],
        follow_ups: &[
            "Added it, thanks. Yes please, the ones from this year.",
            "Are the reissued invoices ready yet?",
            "Got them, thank you!",
        ],
        notes: &[
            "EU customer: reverse charge applies once the VAT number is on file.",
            "Billing reissued this year's invoices with the VAT number.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Question,
        feature: "seats",
        team: "Billing",
        title: "Add seats in the middle of the plan",
        subject: "Adding five more seats",
        opener: "Hi, we're hiring five people next month. How does billing work if we add seats in the middle of our plan?",
        replies: &[
            "Congratulations on the growth! New seats are charged pro rata until your next renewal. Are you on monthly or annual billing?",
            "On annual billing, you pay for an added seat only for the months left until your renewal.",
            "You can add each seat whenever the person starts; it's billed pro rata from that day, on a separate invoice.",
        ],
        follow_ups: &[
            "Annual.",
            "Makes sense. Can we add them one at a time as people start?",
            "Perfect, thanks!",
        ],
        notes: &["Expansion: five seats next month. Let the account manager know."],
        ..EMPTY
    },
    Topic {
        kind: Kind::Question,
        feature: "API",
        title: "API rate limits for a bulk import",
        subject: "API rate limits for a bulk import",
        opener: "Hi, we're planning to import 200,000 contacts through the API. What are the rate limits, and is there a bulk endpoint?",
        replies: &[
            "Thanks for checking first! The limit is 1,000 requests per minute per workspace. When are you planning the import?",
            "For an import that size I can raise your limit to 5,000 requests per minute for that day. Just retry on a 429 after the delay in the Retry-After header.",
            "Your limit is raised for Thursday, and nothing else is needed on your side. Good luck with the import!",
        ],
        follow_ups: &[
            "Next Thursday, over the whole day.",
            "Great. Do we need to do anything on our side?",
            "The import went smoothly, thanks!",
        ],
        notes: &[
            "Raised the rate limit to 5,000/min for Thursday; revert on Friday.",
            "Large import on Thursday; the engineer on call knows.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Question,
        feature: "data export",
        title: "Export all our data for an audit",
        subject: "Exporting all of our data",
        opener: "Hello, our legal team asks for a complete export of our data, attachments included. Is that possible?",
        replies: &[
            "Yes, that's possible! Do you need everything, or only the data about certain customers?",
            "For a complete export, an admin can start it under Settings › Data › Export. It includes attachments and arrives as a download link by email, usually within a few hours.",
            "I've started the complete export for you: the download link went to your admin and stays valid for seven days.",
        ],
        follow_ups: &[
            "Everything; it's for our annual audit.",
            "Our admin started it this morning. How long does it usually take?",
            "We have it, thanks!",
        ],
        notes: &[
            "Full workspace export for an audit, about 12 GB with attachments.",
            "Checked the export job: it finished without errors.",
        ],
        ..EMPTY
    },
    // Back office: billing investigations.
    Topic {
        kind: Kind::Billing,
        feature: "invoices",
        team: "Billing",
        title: "Reconcile invoice {n} with payment provider",
        description: "Invoice {n} is marked unpaid here, but the payment provider shows it as settled. Find the missing payment event and reconcile the two.",
        opener: "Hi, you sent us a reminder for invoice {n}, but we paid it on time. Our bank statement shows the payment.",
        replies: &[
            "Thanks, and sorry for the reminder! Could you send the date and amount of the payment as your bank shows it?",
            "We found your payment: it was received but not matched to invoice {n}. Our billing team is fixing the record.",
            "Invoice {n} is now marked as paid. Please ignore the reminder, and sorry again.",
        ],
        follow_ups: &[
            "Paid on the 5th, the full amount, with {n} as the reference.",
            "We got another reminder today. Is this sorted?",
            "All clear now, thanks.",
        ],
        notes: &[
            "The provider shows it settled on the 5th; its webhook never reached us.",
            "Matched the payment by hand; checking for other missed webhooks that day.",
            "Paused dunning for invoice {n} until this is sorted.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Billing,
        feature: "invoices",
        team: "Billing",
        title: "Chargeback on invoice {n}",
        description: "The card issuer opened a chargeback on invoice {n}. Gather the signed order, usage logs and past emails, and answer the dispute before the deadline.",
        opener: "Hello, our bank tells us there's a dispute about invoice {n}. We didn't open it ourselves. Can you tell us what's happening?",
        replies: &[
            "Thanks for getting in touch! The chargeback came from your card issuer. Could you check with your finance team whether someone disputed it by mistake?",
            "Thanks. If you withdraw the dispute with your bank, we'll close it on our side; otherwise we'll answer it with the invoice details.",
            "Your bank has withdrawn the dispute, so invoice {n} is settled. Thanks for sorting it out.",
        ],
        follow_ups: &[
            "Our finance team says a new colleague disputed it by mistake.",
            "We've asked the bank to withdraw it. Anything else needed?",
            "Great, thanks for your patience.",
        ],
        notes: &[
            "Dispute deadline in 7 days; evidence pack drafted.",
            "The customer confirmed the dispute was opened by mistake.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Billing,
        feature: "invoices",
        team: "Billing",
        title: "Approve credit note for invoice {n}",
        description: "Support promised a credit for last month's outage. Approve a credit note against invoice {n} for the affected days.",
        opener: "Hi, following our call, could you confirm when the credit for the outage will appear against invoice {n}?",
        replies: &[
            "Of course! Our billing team is approving the credit note now. It covers the three days of the outage.",
            "The credit note is approved and will be deducted from your next invoice.",
            "The credit note against invoice {n} is issued; you'll find it under Billing › Invoices.",
        ],
        follow_ups: &[
            "Thanks. Will it be a refund or a deduction?",
            "Our finance team asks for the credit note number.",
            "Found it, thanks!",
        ],
        notes: &[
            "Outage credit: 3 days pro rata, approved by the billing lead.",
            "Credit note issued and attached to the account.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Billing,
        feature: "invoices",
        team: "Billing",
        title: "Tax ID missing on invoice {n}",
        description: "Invoice {n} went out without the customer's VAT ID although it's on file. Reissue the invoice with the VAT ID and check why the template left it out.",
        opener: "Hello, invoice {n} doesn't show our VAT ID, and our accountant can't book it without it. Could you send a corrected one?",
        replies: &[
            "Sorry about that! Your VAT ID is in your billing details, so this is on us. I've asked our billing team to reissue the invoice.",
            "The billing team found the cause: the VAT ID was left out of invoices paid by bank transfer. They're correcting the template.",
            "The corrected invoice {n}, with your VAT ID, is now under Billing › Invoices.",
        ],
        follow_ups: &[
            "Thanks. Our accountant needs it by the end of the month.",
            "Just checking in: is the corrected invoice ready?",
            "Got it, and our accountant is happy. Thanks!",
        ],
        notes: &[
            "The VAT ID is on file; the bank-transfer invoice template ignores it.",
            "Reissued invoice {n} with the VAT ID; a credit note cancels the original.",
        ],
        ..EMPTY
    },
    // Back office: security reviews.
    Topic {
        kind: Kind::Security,
        feature: "security",
        title: "Review suspicious logins on {c}",
        description: "Several logins to {c}'s workspace came from unusual countries overnight. Check the sessions, confirm with their admin and revoke anything unknown.",
        opener: "Hi, we got an alert about new sign-ins to our workspace from a country where we have nobody. Should we be worried?",
        replies: &[
            "Thanks for flagging it! We're reviewing the sessions now. Does anyone on your team travel or use a VPN?",
            "We've revoked the sessions we couldn't match to your team and required a password reset for the affected account.",
            "Our review is complete: no data was exported, and the unknown sessions are gone. We recommend turning on two-factor login for everyone.",
        ],
        follow_ups: &[
            "Nobody travels right now, and we don't use a VPN.",
            "Thanks. Do we need to do anything else?",
            "Two-factor is on for everyone now. Thanks for the quick help.",
        ],
        notes: &[
            "Logins from a known credential-stuffing range; sessions revoked.",
            "No exports or API token creation from those sessions.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Security,
        feature: "security",
        title: "Vendor security questionnaire for {c}",
        description: "{c} sent their vendor security questionnaire (about 120 questions) ahead of their renewal. Fill it in from our security pack and get it signed off.",
        opener: "Hello, our procurement team needs the attached security questionnaire filled in before we can renew. Could you help?",
        replies: &[
            "Happy to help! Our security team is filling it in. When do you need it back?",
            "Most answers are done. Do you also need our latest penetration test report? We share it under NDA.",
            "The completed questionnaire and our security pack are attached. Let us know if procurement has more questions.",
        ],
        follow_ups: &[
            "By the end of next week, if possible.",
            "Yes, we need the pentest report. Our NDA is signed.",
            "Procurement has everything they need. Thanks!",
        ],
        notes: &[
            "About 120 questions; most are covered by our SOC 2 report.",
            "NDA on file, so we can share the pentest summary.",
        ],
        ..EMPTY
    },
    Topic {
        kind: Kind::Security,
        feature: "security",
        title: "Data deletion request from {c}",
        description: "{c} asked us to delete all personal data of one of their customers under GDPR. Confirm the scope, delete it from the workspace, note when backups roll over, and confirm in writing.",
        opener: "Hi, we received a GDPR deletion request from one of our customers. Can you delete everything you hold about them?",
        replies: &[
            "Of course. Could you send us the customer's email address, and confirm their conversations and tickets should go too?",
            "Thanks. We've deleted the contact, their conversations and their tickets. Backups roll over within 30 days.",
            "Everything about them is deleted, and your admin has a written confirmation for your records.",
        ],
        follow_ups: &[
            "Their email is in the attached request. Yes, everything.",
            "Can you send a written confirmation for our records?",
            "Received, thank you.",
        ],
        notes: &[
            "Scope confirmed: one contact, 4 conversations, 2 tickets.",
            "Deletion logged in the GDPR register.",
        ],
        ..EMPTY
    },
];

/// What a teammate writes in a conversation when turning it into a ticket.
pub(crate) const CONVERTED: &[&str] = &[
    "I've turned this into a ticket so you can follow its progress under Tickets in the Messenger. We'll keep you posted there.",
    "I've opened a ticket for this so our team can track it. You'll get every update on it by email and in the Messenger.",
];

/// Engineering's notes on a tracker, in any order.
pub(crate) const TRACKER_NOTES: &[&str] = &[
    "Reproduced on staging. Root cause identified, fix in review.",
    "Added to the current sprint.",
    "Fix deployed to staging; verifying with the affected workspaces.",
    "More customers reporting this since this morning; raising the priority.",
    "Fix released to production. Keeping an eye on the error rate.",
];
