//! The review workflow of a testimony:
//!
//! ```text
//! draft -> submitted -> in review -> accepted -> published
//!              ^             |            \---> withheld  (either can become the other)
//!              '-- returned <'  (with comments)
//! any state but withdrawn -> withdrawn (with its reason)
//! ```
//!
//! Each step is a new state of the testimony, so the ledger keeps every step, who took it and
//! when. Nothing is deleted: withdrawal is a state, with its reason.

use serde::{Deserialize, Serialize};

use crate::vocab::ReviewState;

/// A testimony's place in the workflow, and the comment or reason of the step that put it there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub state: ReviewState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A step someone takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewAction {
    Submit,
    StartReview,
    Accept,
    /// Needs a comment saying what to change.
    Return,
    Publish,
    Withhold,
    /// Needs a reason.
    Withdraw,
}

impl ReviewAction {
    pub const ALL: [ReviewAction; 7] = [
        ReviewAction::Submit,
        ReviewAction::StartReview,
        ReviewAction::Accept,
        ReviewAction::Return,
        ReviewAction::Publish,
        ReviewAction::Withhold,
        ReviewAction::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submit",
            ReviewAction::StartReview => "start_review",
            ReviewAction::Accept => "accept",
            ReviewAction::Return => "return",
            ReviewAction::Publish => "publish",
            ReviewAction::Withhold => "withhold",
            ReviewAction::Withdraw => "withdraw",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewAction> {
        ReviewAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The state this step leads to.
    pub fn target(self) -> ReviewState {
        match self {
            ReviewAction::Submit => ReviewState::Submitted,
            ReviewAction::StartReview => ReviewState::InReview,
            ReviewAction::Accept => ReviewState::Accepted,
            ReviewAction::Return => ReviewState::Returned,
            ReviewAction::Publish => ReviewState::Published,
            ReviewAction::Withhold => ReviewState::Withheld,
            ReviewAction::Withdraw => ReviewState::Withdrawn,
        }
    }

    /// Whether the step needs a comment (what to change) or a reason (why withdrawn).
    pub fn needs_comment(self) -> bool {
        matches!(self, ReviewAction::Return | ReviewAction::Withdraw)
    }

    /// Whether the step can be taken from `state`.
    pub fn allowed_from(self, state: ReviewState) -> bool {
        use ReviewState::*;
        match self {
            ReviewAction::Submit => matches!(state, Draft | Returned),
            ReviewAction::StartReview => state == Submitted,
            ReviewAction::Accept | ReviewAction::Return => state == InReview,
            ReviewAction::Publish => matches!(state, Accepted | Withheld),
            ReviewAction::Withhold => matches!(state, Accepted | Published),
            ReviewAction::Withdraw => state != Withdrawn,
        }
    }
}

/// Why a step cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("a testimony that is {from} cannot be {to}")]
    NotFrom { from: &'static str, to: &'static str },
    #[error("this step needs a comment")]
    NeedsComment,
}

impl Review {
    /// Where a new testimony starts.
    pub fn draft() -> Review {
        Review { state: ReviewState::Draft, comment: None }
    }

    /// The state after `action`, with its comment.
    pub fn step(&self, action: ReviewAction, comment: Option<String>) -> Result<Review, ReviewError> {
        if !action.allowed_from(self.state) {
            return Err(ReviewError::NotFrom { from: self.state.code(), to: action.target().code() });
        }
        let comment = comment.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if action.needs_comment() && comment.is_none() {
            return Err(ReviewError::NeedsComment);
        }
        Ok(Review { state: action.target(), comment })
    }

    /// The steps that can be taken now.
    pub fn actions(&self) -> Vec<ReviewAction> {
        ReviewAction::ALL.into_iter().filter(|a| a.allowed_from(self.state)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewAction::*;

    #[test]
    fn the_whole_path_and_a_return() {
        let mut r = Review::draft();
        for (action, state) in [
            (Submit, ReviewState::Submitted),
            (StartReview, ReviewState::InReview),
            (Return, ReviewState::Returned),
            (Submit, ReviewState::Submitted),
            (StartReview, ReviewState::InReview),
            (Accept, ReviewState::Accepted),
            (Withhold, ReviewState::Withheld),
            (Publish, ReviewState::Published),
        ] {
            let comment = action.needs_comment().then(|| "the date of detention is missing".to_string());
            r = r.step(action, comment).unwrap();
            assert_eq!(r.state, state);
        }
    }

    #[test]
    fn wrong_steps_and_missing_comments_are_refused() {
        let draft = Review::draft();
        assert_eq!(draft.step(Publish, None).unwrap_err().to_string(), "a testimony that is draft cannot be published");
        let in_review = Review { state: ReviewState::InReview, comment: None };
        assert_eq!(in_review.step(Return, Some("  ".into())), Err(ReviewError::NeedsComment));
        let withdrawn = draft.step(Withdraw, Some("the family asked".into())).unwrap();
        assert_eq!(withdrawn.comment.as_deref(), Some("the family asked"));
        assert!(withdrawn.actions().is_empty(), "withdrawn is final");
        assert_eq!(draft.actions(), [Submit, Withdraw]);
    }

    #[test]
    fn every_action_has_a_code() {
        for a in ReviewAction::ALL {
            assert_eq!(ReviewAction::from_code(a.code()), Some(a));
        }
    }
}
