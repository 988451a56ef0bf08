//! Dossiers: statuses, the moves between them (SPEC §4), and their enums.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses a stored name.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

text_enum!(
    /// Where a dossier is in its lifecycle.
    DossierStatus {
        /// Filed, not yet started.
        Received => "received",
        /// Being handled by its current agency.
        Processing => "processing",
        /// Sent to another agency, awaiting its decision.
        InTransfer => "in_transfer",
        /// Waiting for the applicant's missing documents; the clock stops.
        SupplementRequested => "supplement_requested",
        /// Finished with an outcome.
        Completed => "completed",
        /// Withdrawn by the applicant.
        Withdrawn => "withdrawn",
    }
);

text_enum!(
    /// How a dossier reached the agency.
    Channel {
        /// At the desk.
        InPerson => "in_person",
        /// By post.
        Postal => "postal",
        /// Through the portal.
        Online => "online",
        /// From another system.
        Integration => "integration",
    }
);

text_enum!(
    /// The result of a completed dossier.
    Outcome {
        /// Granted.
        Approved => "approved",
        /// Refused.
        Rejected => "rejected",
    }
);

text_enum!(
    /// Who applies.
    ApplicantKind {
        /// A Party member.
        Member => "member",
        /// A Party organisation.
        Organisation => "organisation",
    }
);

text_enum!(
    /// How a transfer travels.
    TransferMethod {
        /// Routed electronically.
        Electronic => "electronic",
        /// On paper.
        Paper => "paper",
    }
);

text_enum!(
    /// Where a transfer stands.
    TransferStatus {
        /// Sent, awaiting the destination's decision.
        Pending => "pending",
        /// The destination took the dossier.
        Accepted => "accepted",
        /// The destination sent it back.
        Rejected => "rejected",
    }
);

/// A move in the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// received → processing
    Start,
    /// processing → supplement_requested
    RequestSupplement,
    /// supplement_requested → processing
    Resume,
    /// processing → completed
    Complete,
    /// any open status → withdrawn
    Withdraw,
    /// processing → in_transfer
    Transfer,
    /// in_transfer → processing (at the destination)
    AcceptTransfer,
    /// in_transfer → processing (back at the sender)
    RejectTransfer,
}

impl Move {
    /// The name used in history and audit entries.
    pub fn as_str(self) -> &'static str {
        match self {
            Move::Start => "start",
            Move::RequestSupplement => "request_supplement",
            Move::Resume => "resume",
            Move::Complete => "complete",
            Move::Withdraw => "withdraw",
            Move::Transfer => "transfer",
            Move::AcceptTransfer => "accept_transfer",
            Move::RejectTransfer => "reject_transfer",
        }
    }
}

/// A move not allowed from the current status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} a dossier that is {}", .action.as_str(), .from.as_str())]
pub struct TransitionError {
    /// The status the dossier is in.
    pub from: DossierStatus,
    /// The move attempted.
    pub action: Move,
}

impl DossierStatus {
    /// Not completed or withdrawn.
    pub fn is_open(self) -> bool {
        !matches!(self, DossierStatus::Completed | DossierStatus::Withdrawn)
    }

    /// The status after `action`, or why it is not allowed.
    pub fn apply(self, action: Move) -> Result<DossierStatus, TransitionError> {
        use DossierStatus as S;
        let next = match (self, action) {
            (S::Received, Move::Start) => S::Processing,
            (S::Processing, Move::RequestSupplement) => S::SupplementRequested,
            (S::SupplementRequested, Move::Resume) => S::Processing,
            (S::Processing, Move::Complete) => S::Completed,
            (S::Processing, Move::Transfer) => S::InTransfer,
            (S::InTransfer, Move::AcceptTransfer | Move::RejectTransfer) => S::Processing,
            (from, Move::Withdraw) if from.is_open() => S::Withdrawn,
            (from, action) => return Err(TransitionError { from, action }),
        };
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DossierStatus as S;

    const MOVES: [Move; 8] = [
        Move::Start,
        Move::RequestSupplement,
        Move::Resume,
        Move::Complete,
        Move::Withdraw,
        Move::Transfer,
        Move::AcceptTransfer,
        Move::RejectTransfer,
    ];

    #[test]
    fn exactly_the_moves_of_the_diagram_are_allowed() {
        let allowed = [
            (S::Received, Move::Start, S::Processing),
            (S::Received, Move::Withdraw, S::Withdrawn),
            (
                S::Processing,
                Move::RequestSupplement,
                S::SupplementRequested,
            ),
            (S::Processing, Move::Complete, S::Completed),
            (S::Processing, Move::Transfer, S::InTransfer),
            (S::Processing, Move::Withdraw, S::Withdrawn),
            (S::SupplementRequested, Move::Resume, S::Processing),
            (S::SupplementRequested, Move::Withdraw, S::Withdrawn),
            (S::InTransfer, Move::AcceptTransfer, S::Processing),
            (S::InTransfer, Move::RejectTransfer, S::Processing),
            (S::InTransfer, Move::Withdraw, S::Withdrawn),
        ];
        for &from in S::ALL {
            for action in MOVES {
                let expected = allowed
                    .iter()
                    .find(|(f, m, _)| *f == from && *m == action)
                    .map(|(_, _, to)| *to);
                match (from.apply(action), expected) {
                    (Ok(to), Some(e)) => assert_eq!(to, e, "{from:?} {action:?}"),
                    (Err(err), None) => assert_eq!(err, TransitionError { from, action }),
                    (got, want) => panic!("{from:?} {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn final_statuses_are_closed() {
        assert!(!S::Completed.is_open());
        assert!(!S::Withdrawn.is_open());
        assert!(S::InTransfer.is_open());
    }

    #[test]
    fn names_round_trip() {
        for &s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(Channel::parse("in_person"), Some(Channel::InPerson));
        assert_eq!(TransferMethod::parse("fax"), None);
    }
}
