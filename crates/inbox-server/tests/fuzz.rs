//! A brief fuzzing run of every decoder that takes outside input (`inbox_server::fuzz`), in
//! `make test`: seeds of each format mutated at random (bytes flipped, inserted, removed,
//! slices repeated so structures nest deeper, seeds spliced together) for a few seconds each.
//! A panic or a stack overflow fails the test. Longer runs: `fuzz/README.md`.
//!
//! `FUZZ_SECONDS` sets the time per target; `FUZZ_SEED` replays a run.

use std::time::{Duration, Instant};

use inbox_server::fuzz;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: small, fast, and repeatable from a seed.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\r\n",
    b"\r\n\r\n",
    b"--",
    b"\"",
    b"\\u0000",
    b"[",
    b"{",
    b"]",
    b"}",
    b"Content-Type: message/rfc822\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n",
    b"=?utf-8?B?",
    b"-9223372036854775808",
    b"1e999",
    b"\xff\xfe",
    b"\xf0\x9f\x98",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[&[u8]]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(6) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            2 if len > 0 => {
                let start = rng.below(len);
                let end = (start + rng.below(64)).min(len);
                input.drain(start..end);
            }
            3 if len > 0 => {
                // Repeating a slice many times nests what it opens.
                let start = rng.below(len);
                let end = (start + 1 + rng.below(128)).min(len);
                let slice = input[start..end].to_vec();
                let times = 1 + rng.below(200);
                for _ in 0..times {
                    input.splice(end..end, slice.iter().copied());
                }
            }
            4 => {
                let other = seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let at = rng.below(len + 1);
                input.splice(at..at, other[from..].iter().copied());
            }
            _ => input.truncate(rng.below(len + 1)),
        }
        // Bodies are bounded by the server (4 MiB); so are the inputs here.
        input.truncate(4 * 1024 * 1024);
    }
}

fn run(name: &str, seeds: &[&[u8]], target: fn(&[u8])) {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_u64 ^ name.len() as u64);
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    for seed in seeds {
        target(seed);
    }
    while Instant::now() < deadline {
        let mut input = seeds[rng.below(seeds.len())].to_vec();
        mutate(&mut rng, &mut input, seeds);
        let outcome = std::panic::catch_unwind(|| target(&input));
        if outcome.is_err() {
            let path = std::env::temp_dir().join(format!("fuzz-crash-{name}.bin"));
            std::fs::write(&path, &input).unwrap();
            panic!("{name} panicked; the input is in {}", path.display());
        }
        runs += 1;
    }
    eprintln!("fuzz {name}: {runs} inputs in {seconds} s (FUZZ_SEED={seed})");
}

#[test]
fn inbound_email() {
    run(
        "inbound_email",
        &[
            b"From: Ada <ada@customer.test>\r\nTo: reply+01abc.def@inbound.example.test\r\n\
              Message-ID: <m1@customer.test>\r\nContent-Type: text/plain\r\n\r\nThanks!\r\n\r\n\
              On Mon, 1 Jun 2026, Acme <x@acme.test> wrote:\r\n> hi\r\n",
            b"From: ada@customer.test\r\nTo: reply+t@inbound.example.test\r\n\
              Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
              Content-Type: text/plain\r\n\r\nplain\r\n--b\r\nContent-Type: text/html\r\n\r\n\
              <div>html<blockquote>quoted</blockquote></div>\r\n--b--\r\n",
            b"From: a@b.test\r\nTo: reply+t@inbound.example.test\r\n\
              Content-Type: message/rfc822\r\n\r\nFrom: c@d.test\r\n\
              Content-Type: message/rfc822\r\n\r\nFrom: e@f.test\r\n\r\ninner\r\n",
        ],
        fuzz::inbound_email,
    );
}

#[test]
fn push_body() {
    run(
        "push_body",
        &[
            br#"{"client_id":"app-1","mutations":[{"seq":1,"mutation":{"type":"note","ticket":"01J0000000000000000000000A","body":"hi","keep_private":false}}]}"#,
            br#"{"client_id":"app-1","mutations":[{"seq":2,"mutation":{"type":"update_attributes","ticket":"01J0000000000000000000000A","attributes":{"title":"x","size":[1,{"a":null}]}}}]}"#,
            br#"{"client_id":"a","mutations":[{"seq":18446744073709551615,"mutation":{"type":"create_ticket","id":"01J0000000000000000000000A","type_id":"01J0000000000000000000000B","fields":{"attributes":{}},"state_id":null,"contacts":[],"company":null,"brand":null,"assignee_teammate":null,"assignee_team":null,"shared":true,"conversation":null,"origin_ticket":null}}]}"#,
        ],
        fuzz::push_body,
    );
}

#[test]
fn search_query() {
    run(
        "search_query",
        &[
            br#"{"field":"title","operator":"~","value":"printer"}"#,
            br#"{"operator":"AND","value":[{"field":"created_at","operator":">=","value":1700000000},{"operator":"OR","value":[{"field":"category","operator":"IN","value":["Customer","Tracker"]},{"field":"state","operator":"=","value":"submitted"}]}]}"#,
            br#"{"field":"admin_assignee_id","operator":"=","value":null}"#,
        ],
        fuzz::search_query,
    );
}

#[test]
fn messenger_bodies() {
    run(
        "messenger_bodies",
        &[br#"{"open":true}"#, br#"{"body":"Thanks, that helped!"}"#],
        fuzz::messenger_bodies,
    );
}
