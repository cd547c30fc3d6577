//! Webhook lifecycle states and the transitions allowed between them.
//!
//! `pending` (created at execution start) → `active` (wait node reached) →
//! `consumed` (used once: to resume, or to cancel the wait). Either `pending` or `active` may become
//! `expired`. Every state may "transition" to itself (idempotent); `consumed`
//! and `expired` are terminal.
//!
//! ```
//! use prana_webhook_core::lifecycle::{Status, check_transition};
//! assert!(check_transition(Status::Pending, Status::Active).is_ok());
//! let err = check_transition(Status::Consumed, Status::Active).unwrap_err();
//! assert_eq!(err.to_string_buf().as_str(),
//!            "Invalid state transition from consumed to active");
//! ```

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Lifecycle state of a webhook registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[repr(u8)]
pub enum Status {
    /// Created at execution start; the wait node is not reached yet.
    Pending = 0,
    /// The wait node is reached; the URL accepts requests.
    Active = 1,
    /// Used once, to resume the execution or to cancel the wait (terminal).
    Consumed = 2,
    /// Timed out, or the execution ended without using it (terminal).
    Expired = 3,
}

impl Status {
    /// All four states, in declaration order.
    pub const ALL: [Status; 4] = [
        Status::Pending,
        Status::Active,
        Status::Consumed,
        Status::Expired,
    ];

    /// The lowercase name (`"pending"`, ...), as stored in JSON and databases.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Active => "active",
            Status::Consumed => "consumed",
            Status::Expired => "expired",
        }
    }

    /// Parse a lowercase state name.
    pub fn parse(s: &str) -> Result<Status> {
        match s {
            "pending" => Ok(Status::Pending),
            "active" => Ok(Status::Active),
            "consumed" => Ok(Status::Consumed),
            "expired" => Ok(Status::Expired),
            _ => Err(Error::UnknownStatus),
        }
    }

    /// Whether no transition leaves this state (other than to itself).
    pub const fn is_terminal(self) -> bool {
        matches!(self, Status::Consumed | Status::Expired)
    }

    /// Whether `self → to` is in the transition table.
    pub const fn can_transition_to(self, to: Status) -> bool {
        matches!(
            (self, to),
            (Status::Pending, Status::Pending)
                | (Status::Active, Status::Active)
                | (Status::Consumed, Status::Consumed)
                | (Status::Expired, Status::Expired)
                | (Status::Pending, Status::Active)
                | (Status::Pending, Status::Expired)
                | (Status::Active, Status::Consumed)
                | (Status::Active, Status::Expired)
        )
    }
}

impl core::fmt::Display for Status {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Check `from → to` against the table; the error carries Prana's message
/// "Invalid state transition from X to Y".
pub fn check_transition(from: Status, to: Status) -> Result<()> {
    if from.can_transition_to(to) {
        Ok(())
    } else {
        Err(Error::InvalidTransition { from, to })
    }
}

/// Move `status` to `to` if the table allows it, and return the transition
/// the host applies to the row of `resume_id`; `status` is unchanged on
/// error. The one place a registration (whole, or an execution's slot)
/// changes state.
pub(crate) fn apply_transition(
    status: &mut Status,
    resume_id: &crate::id::ResumeId,
    to: Status,
) -> Result<Transition> {
    check_transition(*status, to)?;
    let t = Transition {
        resume_id: resume_id.clone(),
        from: *status,
        to,
    };
    *status = to;
    Ok(t)
}

/// A state change the host must apply with compare-and-set:
/// `UPDATE … SET status = :to WHERE resume_id = :id AND status = :from`,
/// acting only when exactly one row changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// The registration to update.
    pub resume_id: crate::id::ResumeId,
    /// The status the row must still have.
    pub from: Status,
    /// The status to write.
    pub to: Status,
}
