//! The demo's story: which dossiers arrive where, and what happens to each,
//! day by day — written as plans of moves that `replay` then makes through
//! the workflow, in time order.
//!
//! The knobs live in the data files: each agency's share of the dossiers,
//! its habit of routing on paper and of running late in mid-2025; both
//! habits fade month by month, so paper routing falls and on-time rates rise.

use super::province::{AgencySpec, ProcedureSpec};
use super::texts;
use crate::domain::agency::AgencyLevel;
use crate::domain::calendar::Calendar;
use crate::domain::dossier::{Channel, Outcome, TransferMethod};
use crate::workflow::filing::{Applicant, DocumentRef};
use chrono::{Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

/// A move of a plan.
#[derive(Clone, Debug)]
pub enum Action {
    Start,
    RequestSupplement(String),
    Resume,
    Send {
        to: usize,
        method: TransferMethod,
        step_seq: Option<i32>,
        note: String,
    },
    Accept,
    Reject(String),
    Complete {
        outcome: Outcome,
        note: String,
    },
    Withdraw(String),
}

/// One move, made at `at` by the agency `actor` (an index into the agencies).
#[derive(Clone, Debug)]
pub struct Step {
    pub at: NaiveDateTime,
    pub actor: usize,
    pub action: Action,
}

/// A dossier's life: its filing and its moves up to the seed's `until`.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Index into the procedure specs.
    pub procedure: usize,
    /// Index of the receiving agency.
    pub agency: usize,
    /// Filed by the integration user (the portal) rather than an officer.
    pub by_integration: bool,
    pub title: String,
    pub applicant: Applicant,
    pub channel: Channel,
    pub documents: Vec<DocumentRef>,
    pub received_at: NaiveDateTime,
    pub steps: Vec<Step>,
}

/// What the story is told over.
pub struct World<'a> {
    pub agencies: &'a [AgencySpec],
    pub procedures: &'a [ProcedureSpec],
    /// Each procedure's published window (UTC): none for drafts.
    pub windows: Vec<super::catalogue::Window>,
    pub calendar: Calendar,
    pub tz: FixedOffset,
    /// The portal of this agency files through the integration user from
    /// `integration_from` on.
    pub integration_agency: usize,
    pub integration_from: NaiveDate,
}

/// Mid-2025: the habits in the data files are those of this month.
fn story_origin() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 1).unwrap_or_default()
}

impl World<'_> {
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.agencies.iter().position(|a| a.code == code)
    }

    pub(super) fn parent(&self, agency: usize) -> Option<usize> {
        self.agencies[agency]
            .parent
            .as_deref()
            .and_then(|c| self.index_of(c))
    }

    pub(super) fn is_local(&self, agency: usize) -> bool {
        let a = &self.agencies[agency];
        a.level != AgencyLevel::Province || a.code == "DUK-TU"
    }

    /// How much of an agency's mid-2025 habits is left at `date`.
    pub(super) fn habit(&self, date: NaiveDate) -> f64 {
        let months = (date - story_origin()).num_days().max(0) as f64 / 30.4;
        (-months / 6.0).exp()
    }

    pub fn local(&self, at: NaiveDateTime) -> NaiveDateTime {
        at + Duration::seconds(i64::from(self.tz.local_minus_utc()))
    }

    pub fn utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        local - Duration::seconds(i64::from(self.tz.local_minus_utc()))
    }

    /// A time in office hours (07:30–16:30 local) on `date`, as UTC.
    pub fn office_time(&self, rng: &mut StdRng, date: NaiveDate) -> NaiveDateTime {
        let opening = NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN);
        self.utc(date.and_time(opening) + Duration::minutes(rng.gen_range(0..540)))
    }

    /// `days` working days after `from` (a UTC instant), at an office hour;
    /// for 0, a little later the same day, or early the next working day.
    pub(super) fn advance(
        &self,
        rng: &mut StdRng,
        from: NaiveDateTime,
        days: u32,
    ) -> NaiveDateTime {
        let local = self.local(from);
        if days == 0 {
            let later = local + Duration::minutes(rng.gen_range(20..150));
            let closing = NaiveTime::from_hms_opt(16, 45, 0).unwrap_or(NaiveTime::MIN);
            if later.date() == local.date() && later.time() <= closing {
                return self.utc(later);
            }
            let next = self.calendar.add_working_days(local.date(), 1);
            let opening = NaiveTime::from_hms_opt(7, 30, 0).unwrap_or(NaiveTime::MIN);
            return self.utc(next.and_time(opening) + Duration::minutes(rng.gen_range(0..90)));
        }
        let date = self.calendar.add_working_days(local.date(), days);
        self.office_time(rng, date)
    }

    pub(super) fn paper(
        &self,
        rng: &mut StdRng,
        sender: usize,
        at: NaiveDateTime,
    ) -> TransferMethod {
        let p = (self.agencies[sender].paper * self.habit(self.local(at).date())).max(0.004);
        if rng.gen_bool(p.min(1.0)) {
            TransferMethod::Paper
        } else {
            TransferMethod::Electronic
        }
    }

    /// The procedures a dossier received at `agency` at `at` may be filed
    /// under, with their weights.
    fn candidates(&self, agency: usize, at: NaiveDateTime) -> Vec<(usize, u32)> {
        let code = &self.agencies[agency].code;
        self.procedures
            .iter()
            .enumerate()
            .filter(|(i, _)| match self.windows[*i] {
                Some((from, to)) => from <= at && to.is_none_or(|to| at < to),
                None => false,
            })
            .filter_map(|(i, p)| {
                let weight = p.receivers.get(code).copied().or_else(|| {
                    self.is_local(agency)
                        .then(|| p.receivers.get("local").copied())
                        .flatten()
                })?;
                (weight > 0).then_some((i, weight))
            })
            .collect()
    }

    /// A dossier received at `agency` at `received_at`, under a procedure
    /// drawn from what it handles; `None` when it handles none.
    pub fn dossier(
        &self,
        rng: &mut StdRng,
        agency: usize,
        received_at: NaiveDateTime,
        until: NaiveDateTime,
    ) -> Option<Plan> {
        let candidates = self.candidates(agency, received_at);
        let procedure = candidates.choose_weighted(rng, |c| c.1).ok()?.0;
        let mut plan = self.filing(rng, procedure, agency, received_at);
        let mut steps = self.moves(rng, procedure, agency, received_at);
        let recent = (until - received_at).num_days() < 150;
        if rng.gen_bool(0.03) && steps.len() > 1 {
            let cut = rng.gen_range(1..steps.len());
            steps.truncate(cut);
            let last = steps[cut - 1].at;
            let wait = rng.gen_range(1..6);
            let at = self.advance(rng, last, wait);
            let actor = Self::holder(agency, &steps);
            steps.push(Step {
                at,
                actor,
                action: Action::Withdraw(texts::withdraw_reason(rng)),
            });
        } else if recent
            && rng.gen_bool(0.015 + self.agencies[agency].slow * 0.12)
            && steps.len() > 1
        {
            // Forgotten in a drawer: these become the open overdue dossiers.
            steps.truncate(rng.gen_range(1..steps.len()));
        }
        steps.retain(|s| s.at <= until);
        plan.steps = steps;
        Some(plan)
    }

    /// The filing part of a plan (no moves yet).
    pub fn filing(
        &self,
        rng: &mut StdRng,
        procedure: usize,
        agency: usize,
        received_at: NaiveDateTime,
    ) -> Plan {
        let spec = &self.procedures[procedure];
        let a = &self.agencies[agency];
        let date = self.local(received_at).date();
        let applicant = texts::applicant(rng, spec.applicant, &a.name);
        let badge = [30, 40, 45, 50, 55, 60, 65, 70]
            .choose(rng)
            .copied()
            .unwrap_or(30);
        let title = spec
            .title
            .replace("{name}", &applicant.name)
            .replace("{badge}", &badge.to_string());
        let portal = agency == self.integration_agency && date >= self.integration_from;
        let online = 0.1 + 0.5 * (1.0 - self.habit(date));
        let channel = if portal && rng.gen_bool(0.6) {
            Channel::Integration
        } else if rng.gen_bool(online) {
            Channel::Online
        } else if rng.gen_bool(0.12) {
            Channel::Postal
        } else {
            Channel::InPerson
        };
        let names: Vec<(String, bool)> = spec
            .documents
            .iter()
            .map(|d| (d.name.clone(), d.required))
            .collect();
        let tag = format!("{}/{}/{}", a.code, received_at, applicant.name);
        Plan {
            procedure,
            agency,
            by_integration: channel == Channel::Integration,
            title,
            documents: texts::documents(rng, &names, &tag),
            applicant,
            channel,
            received_at,
            steps: Vec::new(),
        }
    }

    /// Dossiers received on `date`: about `per_day` of them, more before
    /// the year's end and fewer around Tết.
    pub fn day(
        &self,
        rng: &mut StdRng,
        date: NaiveDate,
        per_day: f64,
        until: NaiveDateTime,
    ) -> Vec<Plan> {
        let season = match date.month() {
            12 => 1.3,
            2 => 0.7,
            1 => 1.1,
            _ => 1.0,
        };
        let weights: Vec<u32> = self.agencies.iter().map(|a| a.receives).collect();
        let count = poisson(rng, per_day * season);
        let mut plans = Vec::with_capacity(count);
        for _ in 0..count {
            let Ok(agency) = rand::distributions::WeightedIndex::new(&weights)
                .map(|w| rand::distributions::Distribution::sample(&w, rng))
            else {
                break;
            };
            let at = self.office_time(rng, date);
            if at > until {
                continue;
            }
            plans.extend(self.dossier(rng, agency, at, until));
        }
        plans
    }
}

/// A Poisson draw (Knuth's method; `mean` is small).
fn poisson(rng: &mut StdRng, mean: f64) -> usize {
    let limit = (-mean).exp();
    let mut product: f64 = rng.gen();
    let mut count = 0;
    while product > limit {
        count += 1;
        product *= rng.gen::<f64>();
    }
    count
}
