//! A handful of dossiers with a fixed fate in the last working days before
//! the seed's `until`, so that every status is on show however small the
//! seed: one just received, one in processing, one waiting at Ban Tổ chức's
//! door, one waiting for the applicant, one forgotten and overdue, one
//! completed, one withdrawn.

use super::story::{Action, Plan, Step, World};
use super::texts;
use crate::domain::dossier::{Outcome, TransferMethod};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;

/// The showcase dossiers (empty if the data files lack their agencies).
pub fn plans(world: &World<'_>, rng: &mut StdRng, until: NaiveDateTime) -> Vec<Plan> {
    let (Some(procedure), Some(tdm), Some(btc), Some(tu)) = (
        world.procedures.iter().position(|p| p.code == "TU-BTC-03"),
        world.index_of("TU-TDM"),
        world.index_of("BTC-TU"),
        world.index_of("TU-BD"),
    ) else {
        return Vec::new();
    };
    let today = world.local(until).date();
    // `n` working days before today (n ≥ 1), at hh:mm local.
    let at = |n: u32, hour: u32, minute: u32| -> NaiveDateTime {
        let mut day = today;
        let mut left = n;
        while left > 0 {
            day = day.pred_opt().unwrap_or(day);
            if world.calendar.is_working_day(day) {
                left -= 1;
            }
        }
        let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN);
        world.utc(NaiveDate::and_time(&day, time))
    };
    let step = |at: NaiveDateTime, actor: usize, action: Action| Step { at, actor, action };
    let spec = &world.procedures[procedure];
    let to_btc = |method| Action::Send {
        to: btc,
        method,
        step_seq: Some(1),
        note: texts::transfer_note(spec.steps.first().map(|s| s.action.as_str()), ""),
    };
    let to_tu = Action::Send {
        to: tu,
        method: TransferMethod::Electronic,
        step_seq: Some(2),
        note: texts::transfer_note(spec.steps.get(1).map(|s| s.action.as_str()), ""),
    };
    let scripts: Vec<(NaiveDateTime, Vec<Step>)> = vec![
        // received
        (at(1, 14, 10), vec![]),
        // processing
        (at(3, 8, 40), vec![step(at(3, 10, 5), tdm, Action::Start)]),
        // in_transfer: pending at Ban Tổ chức
        (
            at(4, 9, 15),
            vec![
                step(at(4, 14, 0), tdm, Action::Start),
                step(at(2, 15, 30), tdm, to_btc(TransferMethod::Electronic)),
            ],
        ),
        // supplement_requested at Ban Tổ chức
        (
            at(8, 8, 0),
            vec![
                step(at(8, 9, 30), tdm, Action::Start),
                step(at(7, 10, 0), tdm, to_btc(TransferMethod::Electronic)),
                step(at(7, 14, 0), btc, Action::Accept),
                step(
                    at(3, 9, 0),
                    btc,
                    Action::RequestSupplement(texts::supplement_reason(rng)),
                ),
            ],
        ),
        // processing and overdue: sent on paper, then forgotten
        (
            at(45, 9, 0),
            vec![
                step(at(45, 10, 0), tdm, Action::Start),
                step(at(43, 9, 0), tdm, to_btc(TransferMethod::Paper)),
                step(at(41, 10, 0), btc, Action::Accept),
            ],
        ),
        // completed on time
        (
            at(20, 8, 20),
            vec![
                step(at(20, 9, 0), tdm, Action::Start),
                step(at(18, 10, 0), tdm, to_btc(TransferMethod::Electronic)),
                step(at(18, 11, 0), btc, Action::Accept),
                step(at(12, 15, 0), btc, to_tu),
                step(at(11, 8, 30), tu, Action::Accept),
                step(
                    at(6, 16, 0),
                    tu,
                    Action::Complete {
                        outcome: Outcome::Approved,
                        note: texts::note(rng, &spec.approved_note),
                    },
                ),
            ],
        ),
        // withdrawn
        (
            at(12, 10, 0),
            vec![
                step(at(11, 9, 0), tdm, Action::Start),
                step(
                    at(10, 14, 0),
                    tdm,
                    Action::Withdraw(texts::withdraw_reason(rng)),
                ),
            ],
        ),
    ];
    scripts
        .into_iter()
        .map(|(received_at, steps)| {
            let mut plan = world.filing(rng, procedure, tdm, received_at);
            // Filed at the desk by the officer, never through the portal.
            plan.by_integration = false;
            plan.channel = crate::domain::dossier::Channel::InPerson;
            plan.steps = steps;
            plan
        })
        .filter(|p| p.received_at + Duration::minutes(1) < until)
        .collect()
}
