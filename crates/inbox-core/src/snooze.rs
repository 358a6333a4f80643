//! Snoozing a ticket: it leaves the open views until a time, and comes back by itself then
//! (the server's scheduler wakes it) or at once when its customer writes. Snoozing is the
//! team's own arrangement of its work: it never reaches a customer, so it causes no customer
//! event and its parts are internal.
//!
//! Every category may be snoozed. A tracker waits on engineering ("look again after Thursday's
//! release") just as a customer ticket waits on a date; a snooze only hides the ticket from the
//! open views, so a tracker's state still reaches its linked tickets while it sleeps (R13). A
//! closed ticket is refused: it is out of the open views already and waits on no one, and
//! reopening it by a snooze would surprise whoever closed it.

use crate::mutation::{update, Context, Outcome, Workspace};
use crate::{Author, Change, CoreError, Millis, PartKind, Ticket, TicketField};

/// The longest snooze: a year. Anything further is a forgotten ticket, not a reminder.
pub const MAX_SNOOZE: Millis = 365 * 24 * 60 * 60 * 1000;

/// A snooze's end must lie in the future, and at most [`MAX_SNOOZE`] ahead.
pub fn check_until(now: Millis, until: Millis) -> Result<(), CoreError> {
    if until <= now {
        return Err(CoreError::SnoozeNotInFuture);
    }
    if until - now > MAX_SNOOZE {
        return Err(CoreError::SnoozeTooLong {
            max_days: MAX_SNOOZE / (24 * 60 * 60 * 1000),
        });
    }
    Ok(())
}

/// Snoozing, unsnoozing and waking are the team's: a customer can only write.
fn teammates_only(ctx: &Context) -> Result<(), CoreError> {
    match ctx.actor {
        Author::Contact(_) => Err(CoreError::TeammatesOnly),
        Author::Teammate(_) | Author::System => Ok(()),
    }
}

pub(crate) fn snooze<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
    until: Millis,
) -> Result<(), W::Error> {
    teammates_only(ctx)?;
    if !ticket.open {
        return Err(CoreError::SnoozeClosedTicket.into());
    }
    check_until(ctx.now, until)?;
    if ticket.snoozed_until == Some(until) {
        return Ok(());
    }
    ticket.snoozed_until = Some(until);
    out.changes.push(Change::AppendPart(
        ctx.part(ticket.id, PartKind::Snoozed { until }),
    ));
    out.changes
        .push(update(ticket, &[TicketField::Snooze], ctx.now));
    Ok(())
}

/// Ends the snooze now, by a teammate's choice. Not snoozed: nothing to do.
pub(crate) fn unsnooze<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
) -> Result<(), W::Error> {
    teammates_only(ctx)?;
    if ticket.snoozed_until.take().is_none() {
        return Ok(());
    }
    out.changes
        .push(Change::AppendPart(ctx.part(ticket.id, PartKind::Unsnoozed)));
    out.changes
        .push(update(ticket, &[TicketField::Snooze], ctx.now));
    Ok(())
}

/// The snooze ran out by `ctx.now`: the ticket wakes, once. Not snoozed, or not due yet:
/// nothing happens, so however often the scheduler tries, one "snooze ended" is written.
pub(crate) fn wake<W: Workspace>(
    out: &mut Outcome,
    ctx: &mut Context,
    mut ticket: Ticket,
) -> Result<(), W::Error> {
    teammates_only(ctx)?;
    match ticket.snoozed_until {
        Some(until) if until <= ctx.now => {
            ticket.snoozed_until = None;
            if ticket.open {
                out.changes.push(Change::AppendPart(
                    ctx.part(ticket.id, PartKind::SnoozeEnded),
                ));
            }
            out.changes
                .push(update(ticket, &[TicketField::Snooze], ctx.now));
        }
        _ => {}
    }
    Ok(())
}

/// A ticket that closes stops being snoozed (reopened later, it is open work again). Returns
/// whether there was a snooze to end.
pub(crate) fn end_on_close(ticket: &mut Ticket) -> bool {
    !ticket.open && ticket.snoozed_until.take().is_some()
}
