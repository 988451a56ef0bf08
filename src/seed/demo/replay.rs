//! Making the story's moves through the workflow — the API's single write
//! path — in the order they happened, each at its own instant, so that the
//! history, audit log, change feed and compliance counters come out as if
//! the agencies had used the API for a year and a half.

use super::story::{Action, Plan};
use crate::audit::Actor;
use crate::auth::Principal;
use crate::db::Database;
use crate::error::ApiError;
use crate::workflow::filing::{self, Filing};
use crate::workflow::moves::{self, MoveInput};
use crate::workflow::transfers::{self, SendInput};
use chrono::{FixedOffset, NaiveDateTime};

/// Moves per write transaction: big enough to be fast, small enough that
/// a server started alongside is never blocked for long.
const BATCH: usize = 400;

/// A write made at an instant between the dossiers' moves (a catalogue
/// revision published on its day).
pub type Interlude<'a> = (
    NaiveDateTime,
    Box<dyn FnMut(&mut crate::db::DbConn) -> Result<(), ApiError> + 'a>,
);

/// Something that happens at an instant.
enum Event {
    /// A dossier is filed.
    File(usize),
    /// A move of a dossier's plan.
    Move(usize, usize),
    /// Something else that happens on the way (a catalogue revision),
    /// by its index in `Replay::interludes`.
    Interlude(usize),
}

/// Who acts for each agency, and the plans to replay.
pub struct Replay<'a> {
    pub tz: FixedOffset,
    pub plans: &'a [Plan],
    /// The procedures' codes, by spec index.
    pub codes: &'a [String],
    /// The agencies' ids, by index.
    pub agency_ids: &'a [i64],
    /// The user who moves dossiers at each agency, by index.
    pub movers: &'a [Principal],
    /// The integration user filing for the portal.
    pub integration: &'a Principal,
    /// Writes to make at given instants, between the dossiers' moves.
    pub interludes: Vec<Interlude<'a>>,
}

/// What the replay made.
#[derive(Debug, Default)]
pub struct Replayed {
    pub dossiers: usize,
    pub moves: usize,
}

impl Replay<'_> {
    /// Makes every filing and move in time order.
    pub fn run(mut self, db: &Database) -> Result<Replayed, String> {
        let mut timeline: Vec<(NaiveDateTime, usize, usize, Event)> = Vec::new();
        for (i, plan) in self.plans.iter().enumerate() {
            timeline.push((plan.received_at, i, 0, Event::File(i)));
            for (j, step) in plan.steps.iter().enumerate() {
                timeline.push((step.at, i, j + 1, Event::Move(i, j)));
            }
        }
        for (k, (at, _)) in self.interludes.iter().enumerate() {
            timeline.push((*at, usize::MAX, k, Event::Interlude(k)));
        }
        timeline.sort_by_key(|e| (e.0, e.1, e.2));

        let mut dossier_ids: Vec<Option<i64>> = vec![None; self.plans.len()];
        let mut transfer_ids: Vec<Option<i64>> = vec![None; self.plans.len()];
        let mut done = Replayed::default();
        let mut events = timeline.into_iter().map(|(at, _, _, e)| (at, e)).peekable();
        while events.peek().is_some() {
            let batch: Vec<(NaiveDateTime, Event)> = events.by_ref().take(BATCH).collect();
            let mut failure: Option<String> = None;
            db.write(|conn| -> Result<(), ApiError> {
                for (at, event) in &batch {
                    let result = match event {
                        Event::File(i) => self.file(conn, *i).map(|id| {
                            dossier_ids[*i] = Some(id);
                            done.dossiers += 1;
                        }),
                        Event::Move(i, j) => {
                            let id =
                                dossier_ids[*i].ok_or_else(|| ApiError::internal("not filed"))?;
                            self.make(conn, *i, *j, id, *at, &mut transfer_ids[*i])
                                .map(|_| {
                                    done.moves += 1;
                                })
                        }
                        Event::Interlude(k) => (self.interludes[*k].1)(conn),
                    };
                    if let Err(e) = result {
                        failure = Some(match event {
                            Event::File(i) => format!("filing demo dossier {i} at {at}"),
                            Event::Move(i, j) => format!(
                                "demo dossier {i}, move {:?} at {at}",
                                self.plans[*i].steps[*j].action
                            ),
                            Event::Interlude(_) => format!("catalogue change at {at}"),
                        });
                        return Err(e);
                    }
                }
                Ok(())
            })
            .map_err(|e| {
                let what = failure.take().unwrap_or_else(|| "writing the demo".into());
                format!("{what}: {} ({e:?})", e.problem().detail)
            })?;
        }
        Ok(done)
    }

    fn file(&self, conn: &mut crate::db::DbConn, i: usize) -> Result<i64, ApiError> {
        let plan = &self.plans[i];
        let filer = if plan.by_integration {
            self.integration
        } else {
            &self.movers[plan.agency]
        };
        let procedure_id = self.procedure_id(conn, plan)?;
        let filed = filing::file(
            conn,
            &Actor::from(filer),
            filer.user_id,
            self.tz,
            Filing {
                procedure_id,
                title: plan.title.clone(),
                applicant: plan.applicant.clone(),
                channel: plan.channel,
                documents: plan.documents.clone(),
                received_at: plan.received_at,
                agency_id: self.agency_ids[plan.agency],
            },
        )?;
        Ok(filed.row.id)
    }

    /// The live version of the plan's procedure: its code's published row.
    fn procedure_id(&self, conn: &mut crate::db::DbConn, plan: &Plan) -> Result<i64, ApiError> {
        let code = &self.codes[plan.procedure];
        crate::db::procedures::with_code(conn, code, None)?
            .into_iter()
            .find(|p| p.status == "published")
            .map(|p| p.id)
            .ok_or_else(|| ApiError::internal(format!("{code} is not published")))
    }

    fn make(
        &self,
        conn: &mut crate::db::DbConn,
        i: usize,
        j: usize,
        id: i64,
        at: NaiveDateTime,
        transfer: &mut Option<i64>,
    ) -> Result<(), ApiError> {
        let step = &self.plans[i].steps[j];
        let who = &self.movers[step.actor];
        let input = match &step.action {
            Action::Start => MoveInput::Start,
            Action::RequestSupplement(reason) => MoveInput::RequestSupplement {
                reason: reason.clone(),
            },
            Action::Resume => MoveInput::Resume,
            Action::Complete { outcome, note } => MoveInput::Complete {
                outcome: *outcome,
                note: Some(note.clone()),
            },
            Action::Withdraw(reason) => MoveInput::Withdraw {
                reason: reason.clone(),
            },
            Action::Send {
                to,
                method,
                step_seq,
                note,
            } => {
                let input = SendInput {
                    to_agency_id: self.agency_ids[*to],
                    method: *method,
                    step_seq: *step_seq,
                    note: Some(note.clone()),
                };
                let (sent, _) = transfers::send(conn, who, id, None, input, at)?;
                *transfer = Some(sent.id);
                return Ok(());
            }
            Action::Accept | Action::Reject(_) => {
                let pending = transfer.ok_or_else(|| ApiError::internal("nothing sent"))?;
                let reason = match &step.action {
                    Action::Reject(r) => Some(r.clone()),
                    _ => None,
                };
                let accept = reason.is_none();
                transfers::decide(conn, who, pending, None, accept, reason, at)?;
                return Ok(());
            }
        };
        moves::apply(conn, who, self.tz, id, None, input, at)?;
        Ok(())
    }
}
