//! Sign-in is the one endpoint anyone may call that costs the server real work (an Argon2id
//! hash takes ~20 MB and tens of milliseconds). So password checks run a few at a time, and
//! attempts are counted per client address and failures per account: beyond the limits the
//! answer is 429 with `Retry-After`, before any hashing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{Result, ServerError};

/// Keys tracked per window at most: beyond it, under a flood of distinct keys, new keys are
/// refused rather than let memory grow.
const MAX_KEYS: usize = 100_000;
/// How long a sign-in waits for a free password check before the server says it is busy.
const QUEUE_WAIT: Duration = Duration::from_secs(2);

/// Counts per key in fixed windows.
struct Windows {
    counts: HashMap<String, (Instant, u32)>,
    window: Duration,
    max: u32,
}

impl Windows {
    fn new(window: Duration, max: u32) -> Windows {
        Windows {
            counts: HashMap::new(),
            window,
            max,
        }
    }

    /// Seconds until `key` may try again, if it is over the limit now.
    fn blocked(&mut self, key: &str, now: Instant) -> Option<u64> {
        let (start, count) = *self.counts.get(key)?;
        let ends = start + self.window;
        if now >= ends {
            self.counts.remove(key);
            return None;
        }
        (count >= self.max).then(|| ends.duration_since(now).as_secs().max(1))
    }

    /// Counts one for `key`; false when there is no room to track it.
    fn count(&mut self, key: &str, now: Instant) -> bool {
        if self.counts.len() >= MAX_KEYS && !self.counts.contains_key(key) {
            let window = self.window;
            self.counts.retain(|_, (start, _)| now < *start + window);
            if self.counts.len() >= MAX_KEYS {
                return false;
            }
        }
        let entry = self.counts.entry(key.to_owned()).or_insert((now, 0));
        if now >= entry.0 + self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        true
    }

    fn forget(&mut self, key: &str) {
        self.counts.remove(key);
    }
}

/// The limits on signing in.
#[derive(Debug, Clone)]
pub struct LoginLimits {
    /// Password checks running at once.
    pub concurrency: usize,
    /// Wrong passwords for one account per `account_window`.
    pub failures_per_account: u32,
    pub account_window: Duration,
    /// Sign-in attempts from one address per `address_window`.
    pub attempts_per_address: u32,
    pub address_window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            concurrency: 2,
            failures_per_account: 10,
            account_window: Duration::from_secs(15 * 60),
            attempts_per_address: 30,
            address_window: Duration::from_secs(60),
        }
    }
}

pub struct LoginGuard {
    checks: Semaphore,
    accounts: Mutex<Windows>,
    addresses: Mutex<Windows>,
}

impl LoginGuard {
    pub fn new(limits: &LoginLimits) -> LoginGuard {
        LoginGuard {
            checks: Semaphore::new(limits.concurrency.max(1)),
            accounts: Mutex::new(Windows::new(
                limits.account_window,
                limits.failures_per_account,
            )),
            addresses: Mutex::new(Windows::new(
                limits.address_window,
                limits.attempts_per_address,
            )),
        }
    }

    /// Lets one attempt for `account` from `address` go on to a password check, or says when
    /// to try again; the permit bounds how many checks run at once.
    pub async fn admit(&self, account: &str, address: &str) -> Result<SemaphorePermit<'_>> {
        let now = Instant::now();
        {
            let mut addresses = self.addresses.lock().expect("throttle lock");
            if let Some(after) = addresses.blocked(address, now) {
                return Err(too_many("too_many_attempts", after));
            }
            if !addresses.count(address, now) {
                return Err(too_many("too_many_attempts", 60));
            }
        }
        if let Some(after) = self
            .accounts
            .lock()
            .expect("throttle lock")
            .blocked(account, now)
        {
            return Err(too_many("account_locked", after));
        }
        match tokio::time::timeout(QUEUE_WAIT, self.checks.acquire()).await {
            Ok(permit) => Ok(permit.expect("the semaphore is never closed")),
            Err(_) => Err(ServerError::TooMany {
                code: "busy",
                message: "The server is busy checking other sign-ins; try again in a moment."
                    .into(),
                retry_after: 1,
            }),
        }
    }

    /// Records how the password check for `account` went.
    pub fn record(&self, account: &str, matched: bool) {
        let mut accounts = self.accounts.lock().expect("throttle lock");
        if matched {
            accounts.forget(account);
        } else {
            accounts.count(account, Instant::now());
        }
    }
}

/// The limits on uploading files, per uploader (each teammate, each customer): a stolen token
/// or a runaway client fills neither the disk nor the server's memory.
#[derive(Debug, Clone)]
pub struct UploadLimits {
    /// Uploads per `window`.
    pub files: u32,
    /// Bytes uploaded per `window`.
    pub bytes: u64,
    pub window: Duration,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            files: 120,
            bytes: 512 * 1024 * 1024,
            window: Duration::from_secs(3600),
        }
    }
}

/// What one uploader used in their current window.
#[derive(Debug, Clone, Copy)]
struct Usage {
    start: Instant,
    files: u32,
    bytes: u64,
}

pub struct UploadGuard {
    limits: UploadLimits,
    usage: Mutex<HashMap<String, Usage>>,
}

impl UploadGuard {
    pub fn new(limits: &UploadLimits) -> UploadGuard {
        UploadGuard {
            limits: limits.clone(),
            usage: Mutex::new(HashMap::new()),
        }
    }

    /// Lets one upload of `declared` bytes (its Content-Length, 0 when unknown) by `uploader`
    /// go on and counts it, or refuses it with `upload_rate_limited` and when to try again,
    /// before a byte of its body is read.
    pub fn admit(&self, uploader: &str, declared: u64) -> Result<()> {
        self.admit_at(uploader, declared, Instant::now())
    }

    fn admit_at(&self, uploader: &str, declared: u64, now: Instant) -> Result<()> {
        let window = self.limits.window;
        let mut usage = self.usage.lock().expect("throttle lock");
        if usage.len() >= MAX_KEYS && !usage.contains_key(uploader) {
            usage.retain(|_, u| now < u.start + window);
            if usage.len() >= MAX_KEYS {
                return Err(self.refused(60));
            }
        }
        let fresh = Usage {
            start: now,
            files: 0,
            bytes: 0,
        };
        let used = usage.entry(uploader.to_owned()).or_insert(fresh);
        if now >= used.start + window {
            *used = fresh;
        }
        // A first upload larger than the byte limit is left to the size limit.
        let over_bytes = used.bytes > 0 && used.bytes.saturating_add(declared) > self.limits.bytes;
        if used.files >= self.limits.files || over_bytes {
            let after = (used.start + window).duration_since(now).as_secs().max(1);
            return Err(self.refused(after));
        }
        used.files += 1;
        used.bytes = used.bytes.saturating_add(declared);
        Ok(())
    }

    /// Counts the bytes of an upload beyond what it declared (a body sent without a length).
    pub fn add(&self, uploader: &str, extra: u64) {
        if extra == 0 {
            return;
        }
        if let Some(used) = self.usage.lock().expect("throttle lock").get_mut(uploader) {
            used.bytes = used.bytes.saturating_add(extra);
        }
    }

    fn refused(&self, retry_after: u64) -> ServerError {
        let minutes = self.limits.window.as_secs().div_ceil(60);
        ServerError::TooMany {
            code: "upload_rate_limited",
            message: format!(
                "Too many uploads: at most {} files and {} MB every {minutes} minutes each; try again in {retry_after} s.",
                self.limits.files,
                self.limits.bytes / (1024 * 1024)
            ),
            retry_after,
        }
    }
}

fn too_many(code: &'static str, retry_after: u64) -> ServerError {
    let message = match code {
        "account_locked" => format!(
            "Too many wrong passwords for this account: sign-in is paused for {retry_after} s."
        ),
        _ => format!("Too many sign-in attempts from here: try again in {retry_after} s."),
    };
    ServerError::TooMany {
        code,
        message,
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_are_limited_by_count_and_bytes_per_uploader_and_window() {
        let guard = UploadGuard::new(&UploadLimits {
            files: 3,
            bytes: 100,
            window: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            guard.admit_at("teammate:a", 10, t0).unwrap();
        }
        let refused = guard.admit_at("teammate:a", 10, t0).unwrap_err();
        assert_eq!(refused.code(), "upload_rate_limited");
        assert!(matches!(
            refused,
            ServerError::TooMany {
                retry_after: 60,
                ..
            }
        ));
        guard.admit_at("contact:a", 90, t0).unwrap();
        guard.add("contact:a", 5);
        assert!(
            guard.admit_at("contact:a", 6, t0).is_err(),
            "95 bytes used, 6 more is over 100"
        );
        guard.admit_at("contact:a", 5, t0).unwrap();
        guard
            .admit_at("teammate:a", 10, t0 + Duration::from_secs(61))
            .unwrap();
        guard
            .admit_at("contact:b", 500, t0)
            .expect("a first upload over the byte limit is the size limit's to judge");
    }

    #[test]
    fn a_window_blocks_past_its_limit_until_it_ends() {
        let mut w = Windows::new(Duration::from_secs(60), 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(w.blocked("a", t0), None);
            assert!(w.count("a", t0));
        }
        assert_eq!(w.blocked("a", t0), Some(60));
        assert_eq!(w.blocked("b", t0), None, "other keys are not affected");
        assert_eq!(w.blocked("a", t0 + Duration::from_secs(61)), None);
    }
}
