//! Customer notifications as the local store sees them: the workspace's settings and the
//! preview of what a mutation would send, without writing anything.

use inbox_core::email::{reply_token, Links};
use inbox_core::notify::Thread;
use inbox_core::notify::{deliveries, Delivery, MessengerState, NotificationSettings};
use inbox_core::{apply, Author, Brand, Context, Millis, Mutation};
use serde::Serialize;

use crate::{Result, Store};

const DESKTOP_NOTIFICATIONS: &str = "desktop_notifications";
const REPLY_EMAIL_DELAY: &str = "reply_email_delay_ms";
const EMAIL_SECRET: &str = "email_secret";
pub use inbox_core::email::INBOUND_EMAIL_DOMAIN;

/// What a mutation would tell customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Preview {
    /// One entry per contact and ticket; empty when no customer hears about it.
    pub deliveries: Vec<Delivery>,
    /// How many customer tickets the mutation changes (a tracker moves its linked tickets).
    pub tickets_affected: usize,
}

impl Store {
    pub fn notification_settings(&self) -> Result<NotificationSettings> {
        match self.setting(REPLY_EMAIL_DELAY)? {
            Some(ms) => Ok(NotificationSettings::with_reply_email_delay(
                ms.parse()
                    .unwrap_or(inbox_core::notify::DEFAULT_REPLY_EMAIL_DELAY),
            )?),
            None => Ok(NotificationSettings::default()),
        }
    }

    /// Whether the teammate's alerts show as desktop notifications (on unless turned off).
    pub fn desktop_notifications(&self) -> Result<bool> {
        Ok(self.setting(DESKTOP_NOTIFICATIONS)?.as_deref() != Some("off"))
    }

    pub fn set_desktop_notifications(&self, on: bool) -> Result<()> {
        self.set_setting(DESKTOP_NOTIFICATIONS, if on { "on" } else { "off" })
    }

    pub fn set_reply_email_delay(&self, delay: Millis) -> Result<NotificationSettings> {
        let settings = NotificationSettings::with_reply_email_delay(delay)?;
        self.set_setting(REPLY_EMAIL_DELAY, &delay.to_string())?;
        Ok(settings)
    }

    /// The address a customer's email about `ticket`, made at `now`, asks replies to go to.
    pub fn reply_to(&self, about: Thread, now: Millis) -> Result<String> {
        let secret = self.setting(EMAIL_SECRET)?.unwrap_or_default();
        Ok(format!(
            "reply+{}@{INBOUND_EMAIL_DOMAIN}",
            reply_token(about, now, secret.as_bytes())
        ))
    }

    /// What `mutation` by `actor` at `now` would send each customer, computed by the same code as
    /// delivery, without writing anything. The Messenger is taken as collapsed: the preview shows
    /// the badge a customer gets if they are not looking.
    pub fn preview(&self, mutation: &Mutation, actor: Author, now: Millis) -> Result<Preview> {
        let mut n = 0u128;
        let mut random = || {
            n += 1;
            n
        };
        let mut ctx = Context {
            actor,
            now,
            random: &mut random,
        };
        let outcome = apply(self, mutation, &mut ctx)?;
        let settings = self.notification_settings()?;
        let collapsed = |_| MessengerState { collapsed: true };
        // The app does not know where its server's Messenger is: the preview shows the link
        // the email will carry, pointing nowhere.
        let links = |_, about, brand: &Brand| Links {
            reply_to: self.reply_to(about, now).unwrap_or_default(),
            logo: brand.logo_url.clone(),
            messenger: Some("#view-in-messenger".to_owned()),
        };
        let deliveries = deliveries(self, &outcome, &collapsed, settings, now, &links)?;
        let tickets_affected = outcome
            .updated_tickets()
            .filter(|t| t.category == inbox_core::Category::Customer || t.shared)
            .count();
        Ok(Preview {
            deliveries,
            tickets_affected,
        })
    }
}
