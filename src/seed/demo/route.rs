//! A dossier's route through the agencies, and the moves it takes there:
//! how long each agency works on it, whether it goes on paper, waits for
//! the applicant, is sent back or runs late.

use super::story::{Action, Step, World};
use super::texts;
use crate::domain::agency::AgencyLevel;
use crate::domain::dossier::{Outcome, TransferMethod};
use chrono::NaiveDateTime;
use rand::rngs::StdRng;
use rand::Rng;

/// One agency's part of a dossier's route.
struct Segment {
    agency: usize,
    step_seq: Option<i32>,
    action: Option<String>,
    allowance: i32,
}

impl World<'_> {
    /// The agencies a dossier passes through: the receiving agency (and,
    /// for a grassroots organisation, its committee), then the process.
    fn route(&self, procedure: usize, agency: usize) -> Vec<Segment> {
        let spec = &self.procedures[procedure];
        let in_steps: i32 = spec.steps.iter().map(|s| s.days).sum();
        let reception = (spec.processing_days - in_steps).max(1);
        let mut route: Vec<Segment> = Vec::new();
        let first = self.index_of(&spec.steps[0].agency);
        if first != Some(agency) {
            let mut hops = vec![agency];
            if self.agencies[agency].level == AgencyLevel::Grassroots {
                hops.extend(self.parent(agency).filter(|p| Some(*p) != first));
            }
            let share = (reception / hops.len() as i32).max(1);
            route.extend(hops.into_iter().map(|a| Segment {
                agency: a,
                step_seq: None,
                action: None,
                allowance: share,
            }));
        }
        for (i, step) in spec.steps.iter().enumerate() {
            let Some(a) = self.index_of(&step.agency) else {
                continue;
            };
            match route.last_mut() {
                Some(last) if last.agency == a => last.allowance += step.days,
                _ => route.push(Segment {
                    agency: a,
                    step_seq: Some(i as i32 + 1),
                    action: Some(step.action.clone()),
                    allowance: step.days,
                }),
            }
        }
        route
    }

    /// The full life of a dossier, before it is cut at `until`.
    pub(super) fn moves(
        &self,
        rng: &mut StdRng,
        procedure: usize,
        agency: usize,
        received_at: NaiveDateTime,
    ) -> Vec<Step> {
        let spec = &self.procedures[procedure];
        let route = self.route(procedure, agency);
        let habit = self.habit(self.local(received_at).date());
        let slow: f64 = route
            .iter()
            .map(|s| self.agencies[s.agency].slow)
            .sum::<f64>()
            / route.len() as f64;
        let late = rng
            .gen_bool(((slow + self.agencies[agency].slow) / 2.0 * (0.35 + 0.65 * habit)).min(1.0));
        let ratio = if late {
            rng.gen_range(1.1..1.6)
        } else {
            rng.gen_range(0.2..0.8)
        };
        let supplement_in = rng.gen_bool(0.12).then(|| {
            if route.len() > 1 && rng.gen_bool(0.6) {
                1
            } else {
                0
            }
        });
        let bounce_at =
            (route.len() > 1 && rng.gen_bool(0.05)).then(|| rng.gen_range(1..route.len()));

        let mut steps = Vec::new();
        let wait = u32::from(rng.gen_bool(0.4));
        let mut t = self.advance(rng, received_at, wait);
        steps.push(Step {
            at: t,
            actor: route[0].agency,
            action: Action::Start,
        });
        for (i, seg) in route.iter().enumerate() {
            let work = (f64::from(seg.allowance) * ratio * rng.gen_range(0.7..1.3)).round() as u32;
            if supplement_in == Some(i) {
                let before = rng.gen_range(0..=work / 2);
                t = self.advance(rng, t, before);
                let reason = texts::supplement_reason(rng);
                steps.push(Step {
                    at: t,
                    actor: seg.agency,
                    action: Action::RequestSupplement(reason),
                });
                let pause = rng.gen_range(2..12);
                t = self.advance(rng, t, pause);
                steps.push(Step {
                    at: t,
                    actor: seg.agency,
                    action: Action::Resume,
                });
                t = self.advance(rng, t, work - before);
            } else {
                t = self.advance(rng, t, work);
            }
            let Some(next) = route.get(i + 1) else {
                let refused = spec.rejected_note.as_ref().filter(|_| rng.gen_bool(0.07));
                let (outcome, note) = match refused {
                    Some(note) => (Outcome::Rejected, texts::note(rng, note)),
                    None => (Outcome::Approved, texts::note(rng, &spec.approved_note)),
                };
                steps.push(Step {
                    at: t,
                    actor: seg.agency,
                    action: Action::Complete { outcome, note },
                });
                break;
            };
            let note =
                texts::transfer_note(next.action.as_deref(), &self.agencies[next.agency].name);
            let mut method = self.paper(rng, seg.agency, t);
            steps.push(Step {
                at: t,
                actor: seg.agency,
                action: Action::Send {
                    to: next.agency,
                    method,
                    step_seq: next.step_seq,
                    note: note.clone(),
                },
            });
            if bounce_at == Some(i + 1) {
                let wait = u32::from(rng.gen_bool(0.5));
                t = self.advance(rng, t, wait);
                let reason = texts::reject_reason(rng);
                steps.push(Step {
                    at: t,
                    actor: next.agency,
                    action: Action::Reject(reason),
                });
                let wait = rng.gen_range(1..3);
                t = self.advance(rng, t, wait);
                method = self.paper(rng, seg.agency, t);
                steps.push(Step {
                    at: t,
                    actor: seg.agency,
                    action: Action::Send {
                        to: next.agency,
                        method,
                        step_seq: next.step_seq,
                        note,
                    },
                });
            }
            let transit = match method {
                TransferMethod::Paper => rng.gen_range(1..4),
                TransferMethod::Electronic => u32::from(rng.gen_bool(0.2)),
            };
            t = self.advance(rng, t, transit);
            steps.push(Step {
                at: t,
                actor: next.agency,
                action: Action::Accept,
            });
        }
        steps
    }

    /// The agency holding the dossier after `steps`: the receiver, then
    /// each destination that accepted it.
    pub(super) fn holder(agency: usize, steps: &[Step]) -> usize {
        steps
            .iter()
            .filter(|s| matches!(s.action, Action::Accept))
            .map(|s| s.actor)
            .next_back()
            .unwrap_or(agency)
    }
}
