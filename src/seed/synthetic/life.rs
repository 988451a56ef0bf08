//! One synthetic dossier's life, step by step through the rules of SPEC §4:
//! the state machine, working-day due dates, supplement pauses, transfers
//! along the procedure's steps, and completions on time or late.

use super::province::{Officer, Procedure, Province};
use super::sink::Sink;
use crate::db::dossiers::{DossierRow, NewHistory};
use crate::db::stats::{transfer_delta, Delta};
use crate::db::transfers::TransferRow;
use crate::domain::calendar::Calendar;
use crate::domain::dossier::{DossierStatus, Move};
use crate::domain::text::fold;
use crate::workflow::filing::hash_lookup_key;
use crate::workflow::{local_date, payloads};
use chrono::{Duration, FixedOffset, NaiveDateTime, NaiveTime};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::json;

/// What shapes the data: the period, "now", the time zone, and how
/// electronic routing spreads over time and agencies.
pub struct World<'a> {
    pub province: &'a Province,
    pub calendar: Calendar,
    pub tz: FixedOffset,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub now: NaiveDateTime,
    /// Per desk: (base electronic share, on-time share).
    pub habits: Vec<(f64, f64)>,
}

const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi"];
const GIVEN: [&str; 8] = [
    "Văn An",
    "Thị Hoa",
    "Minh Tuấn",
    "Thị Lan",
    "Quốc Huy",
    "Thanh Tâm",
    "Hữu Phước",
    "Ngọc Mai",
];
const CHANNELS: [(&str, f64); 4] = [
    ("in_person", 0.5),
    ("online", 0.25),
    ("integration", 0.15),
    ("postal", 0.10),
];

struct Life<'w, 's> {
    world: &'w World<'w>,
    sink: &'s mut Sink,
    d: DossierRow,
    agencies: Vec<i64>,
}

impl Life<'_, '_> {
    fn officer(&self, agency: i64) -> Officer {
        self.world.province.officers[&agency].clone()
    }

    fn today(&self, at: NaiveDateTime) -> chrono::NaiveDate {
        local_date(at, self.world.tz)
    }

    /// Applies a move at `at` by the officer of `actor_agency`, with its
    /// history, audit entry and event, as the write path does.
    fn step(
        &mut self,
        action: Move,
        at: NaiveDateTime,
        actor_agency: i64,
        transfer_id: Option<i64>,
        note: Option<&str>,
        details: serde_json::Value,
    ) {
        let from = DossierStatus::parse(&self.d.status).expect("generated status");
        let to = from
            .apply(action)
            .expect("the generator follows the state machine");
        self.d.status = to.as_str().into();
        self.d.version += 1;
        self.d.updated_at = at;
        let officer = self.officer(actor_agency);
        self.sink.history(&NewHistory {
            dossier_id: self.d.id,
            action: action.as_str().into(),
            from_status: Some(from.as_str().into()),
            to_status: to.as_str().into(),
            actor_id: Some(officer.user_id),
            actor_username: Some(officer.username.clone()),
            actor_agency_id: Some(actor_agency),
            agency_id: self.d.current_agency_id,
            transfer_id,
            note: note.map(str::to_string),
            at,
        });
        let payload = payloads::status_changed(&self.d, action, from, to, transfer_id);
        let data = payloads::move_audit(&payload, note, details);
        let entity = ("dossier", self.d.id);
        self.sink.audit(
            at,
            &officer,
            actor_agency,
            &format!("dossier.{}", action.as_str()),
            entity,
            &data,
        );
        self.sink
            .event(at, "dossier.status_changed", entity, self.d.id, &payload);
    }

    fn send(
        &mut self,
        at: NaiveDateTime,
        to: i64,
        electronic: bool,
        step_seq: Option<i32>,
        on_process: bool,
    ) -> TransferRow {
        let from = self.d.current_agency_id;
        let officer = self.officer(from);
        self.sink.next_transfer += 1;
        let t = TransferRow {
            id: self.sink.next_transfer,
            dossier_id: self.d.id,
            from_agency_id: from,
            to_agency_id: to,
            method: if electronic { "electronic" } else { "paper" }.into(),
            step_seq,
            on_process,
            note: None,
            status: "pending".into(),
            sent_at: at,
            sent_by: officer.user_id,
            decided_at: None,
            decided_by: None,
            reason: None,
        };
        let delta = transfer_delta(
            self.d.eligible,
            self.d.transfer_count,
            self.d.paper_transfer_count,
            !electronic,
        );
        self.sink.count(&self.d, delta);
        self.d.transfer_count += 1;
        self.d.paper_transfer_count += i32::from(!electronic);
        if !self.agencies.contains(&to) {
            self.agencies.push(to);
        }
        let payload = payloads::transfer(&t, &self.d.code);
        self.sink.audit(
            at,
            &officer,
            from,
            "transfer.sent",
            ("transfer", t.id),
            &payload,
        );
        self.sink
            .event(at, "transfer.sent", ("transfer", t.id), self.d.id, &payload);
        self.step(
            Move::Transfer,
            at,
            from,
            Some(t.id),
            None,
            json!({"to_agency_id": to, "method": t.method}),
        );
        t
    }

    fn decide(&mut self, mut t: TransferRow, at: NaiveDateTime, accept: bool) {
        let officer = self.officer(t.to_agency_id);
        t.status = if accept { "accepted" } else { "rejected" }.into();
        t.decided_at = Some(at);
        t.decided_by = Some(officer.user_id);
        t.reason = (!accept).then(|| "Hồ sơ chưa đủ thành phần".to_string());
        if accept {
            self.d.current_agency_id = t.to_agency_id;
        }
        let event = if accept {
            "transfer.accepted"
        } else {
            "transfer.rejected"
        };
        let payload = payloads::transfer(&t, &self.d.code);
        self.sink.audit(
            at,
            &officer,
            t.to_agency_id,
            event,
            ("transfer", t.id),
            &payload,
        );
        self.sink
            .event(at, event, ("transfer", t.id), self.d.id, &payload);
        let action = if accept {
            Move::AcceptTransfer
        } else {
            Move::RejectTransfer
        };
        self.step(
            action,
            at,
            t.to_agency_id,
            Some(t.id),
            t.reason.clone().as_deref(),
            json!({}),
        );
        self.sink.transfer(&t);
    }
}

/// A working-hours instant (08:00–17:00 local) some working days (drawn
/// from `days`) after `from`.
fn later(
    world: &World,
    rng: &mut StdRng,
    from: NaiveDateTime,
    days: std::ops::Range<u32>,
) -> NaiveDateTime {
    let days = rng.gen_range(days);
    let local = from + Duration::seconds(i64::from(world.tz.local_minus_utc()));
    let day = world.calendar.add_working_days(local.date(), days);
    let minutes = rng.gen_range(8 * 60..17 * 60);
    let local_at = day.and_time(NaiveTime::MIN) + Duration::minutes(minutes);
    let at = local_at - Duration::seconds(i64::from(world.tz.local_minus_utc()));
    at.max(from + Duration::minutes(1))
}

/// Generates dossier number `index` of `total`.
pub fn simulate(world: &World, sink: &mut Sink, rng: &mut StdRng, index: u64, total: u64) {
    let province = world.province;
    let span = (world.end - world.start).num_seconds().max(1);
    // Spread receptions evenly over the period, then jitter within a day.
    let offset = (span as f64 * (index as f64 + rng.gen::<f64>()) / total as f64) as i64;
    let raw = world.start + Duration::seconds(offset);
    let desk_index = rng.gen_range(0..province.desks.len());
    let (desk, desk_code) = province.desks[desk_index].clone();
    let procedure: &Procedure = &province.procedures[rng.gen_range(0..province.procedures.len())];
    let received_at = later(world, rng, raw - Duration::days(1), 1..2).min(world.now);
    let received_date = local_date(received_at, world.tz);
    let seq = sink.next_sequence(desk, received_date);
    let code = format!("{desk_code}-{}-{seq:04}", received_date.format("%y%m%d"));
    let channel = {
        let mut pick = rng.gen::<f64>();
        CHANNELS
            .iter()
            .find(|(_, share)| {
                pick -= share;
                pick < 0.0
            })
            .map(|(c, _)| *c)
            .unwrap_or("in_person")
    };
    let name = format!(
        "{} {}",
        FAMILY[rng.gen_range(0..FAMILY.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())]
    );
    let title = format!("Hồ sơ của {name}");
    sink.next_dossier += 1;
    let id = sink.next_dossier;
    let officer = province.officers[&desk].clone();
    let d = DossierRow {
        id,
        search_text: fold(&format!("{code} {title} {name}")),
        code,
        procedure_id: procedure.id,
        title,
        applicant_name: name,
        applicant_kind: "member".into(),
        applicant_reference: None,
        applicant_contact: None,
        channel: channel.into(),
        received_agency_id: desk,
        current_agency_id: desk,
        status: "received".into(),
        outcome: None,
        received_at,
        received_date,
        due_date: world
            .calendar
            .add_working_days(received_date, procedure.processing_days),
        completed_at: None,
        completed_date: None,
        paused_since: None,
        eligible: procedure.eligible,
        transfer_count: 0,
        paper_transfer_count: 0,
        documents: "[]".into(),
        lookup_key_hash: hash_lookup_key(&format!("synthetic-{id}-{}", rng.gen::<u64>())),
        version: 1,
        created_by: officer.user_id,
        updated_at: received_at,
    };
    let mut life = Life {
        world,
        sink,
        d,
        agencies: vec![desk],
    };
    life.sink.history(&NewHistory {
        dossier_id: id,
        action: "file".into(),
        from_status: None,
        to_status: "received".into(),
        actor_id: Some(officer.user_id),
        actor_username: Some(officer.username.clone()),
        actor_agency_id: Some(desk),
        agency_id: desk,
        transfer_id: None,
        note: None,
        at: received_at,
    });
    let summary = payloads::received(&life.d);
    life.sink.audit(
        received_at,
        &officer,
        desk,
        "dossier.received",
        ("dossier", id),
        &summary,
    );
    life.sink.event(
        received_at,
        "dossier.received",
        ("dossier", id),
        id,
        &summary,
    );
    life.sink.count(
        &life.d,
        Delta {
            dossiers: 1,
            ..Default::default()
        },
    );
    run(&mut life, rng, procedure, desk_index);
    let Life {
        d, agencies, sink, ..
    } = life;
    sink.dossier(&d, &agencies);
}

fn run(life: &mut Life, rng: &mut StdRng, procedure: &Procedure, desk_index: usize) {
    let world = life.world;
    let now = world.now;
    let (base_electronic, on_time_share) = world.habits[desk_index];
    let progress = ((life.d.received_at - world.start).num_seconds() as f64
        / (world.end - world.start).num_seconds().max(1) as f64)
        .clamp(0.0, 1.0);
    let electronic_share = (base_electronic + 0.45 * progress).min(0.99);
    let mut at = later(world, rng, life.d.received_at, 0..2);
    if at > now || rng.gen_bool(0.01) {
        return;
    }
    let desk = life.d.received_agency_id;
    life.step(Move::Start, at, desk, None, None, json!({}));
    if rng.gen_bool(0.03) {
        let withdraw_at = later(world, rng, at, 1..5);
        if withdraw_at <= now {
            life.step(
                Move::Withdraw,
                withdraw_at,
                life.d.current_agency_id,
                None,
                Some("Người nộp rút hồ sơ"),
                json!({}),
            );
        }
        return;
    }
    if rng.gen_bool(0.1) {
        let asked = later(world, rng, at, 1..2);
        if asked > now {
            return;
        }
        let asked_date = life.today(asked);
        life.d.paused_since = Some(asked_date);
        life.step(
            Move::RequestSupplement,
            asked,
            life.d.current_agency_id,
            None,
            Some("Bổ sung bản sao giấy tờ"),
            json!({}),
        );
        let resumed = later(world, rng, asked, 1..8);
        if resumed > now {
            return;
        }
        let stopped = world
            .calendar
            .working_days_between(asked_date, life.today(resumed));
        let before = life.d.due_date;
        life.d.due_date = world.calendar.add_working_days(before, stopped);
        life.d.paused_since = None;
        life.step(Move::Resume, resumed, life.d.current_agency_id, None, None,
            json!({"paused_working_days": stopped, "due_date_before": before, "due_date": life.d.due_date}));
        at = resumed;
    }
    // Route along the procedure's steps (skipping the agency that holds it),
    // or now and then to an agency outside the process.
    let mut route: Vec<(Option<i32>, i64, bool)> = procedure
        .steps
        .iter()
        .filter(|(_, a)| world.province.officers.contains_key(a))
        .map(|(seq, a)| (Some(*seq), *a, true))
        .collect();
    if route.is_empty() && rng.gen_bool(0.1) {
        let (other, _) = world.province.desks[rng.gen_range(0..world.province.desks.len())];
        route.push((None, other, false));
    }
    for (seq, to, on_process) in route {
        if to == life.d.current_agency_id {
            continue;
        }
        let sent = later(world, rng, at, 0..3);
        if sent > now {
            return;
        }
        let electronic = rng.gen_bool(electronic_share);
        let t = life.send(sent, to, electronic, seq, on_process);
        let decided = later(world, rng, sent, 0..2);
        if decided > now {
            life.sink.transfer(&t);
            return;
        }
        if rng.gen_bool(0.06) {
            life.decide(t, decided, false);
            let again = later(world, rng, decided, 1..2);
            if again > now {
                return;
            }
            let t = life.send(again, to, electronic || rng.gen_bool(0.5), seq, on_process);
            let decided = later(world, rng, again, 1..2);
            if decided > now {
                life.sink.transfer(&t);
                return;
            }
            life.decide(t, decided, true);
            at = decided;
        } else {
            life.decide(t, decided, true);
            at = decided;
        }
    }
    if rng.gen_bool(0.02) {
        return;
    }
    let last = life.today(at);
    let due = life.d.due_date;
    let on_time = rng.gen_bool(on_time_share);
    let finish_day = if on_time && last <= due {
        let room = world.calendar.working_days_between(last, due);
        world
            .calendar
            .add_working_days(last, rng.gen_range(0..=room))
    } else {
        world
            .calendar
            .add_working_days(due.max(last), rng.gen_range(1..15))
    };
    let local =
        finish_day.and_time(NaiveTime::MIN) + Duration::minutes(rng.gen_range(8 * 60..17 * 60));
    let finished = (local - Duration::seconds(i64::from(world.tz.local_minus_utc())))
        .max(at + Duration::minutes(1));
    if finished > now {
        return;
    }
    let today = life.today(finished);
    let outcome = if rng.gen_bool(0.93) {
        "approved"
    } else {
        "rejected"
    };
    life.d.outcome = Some(outcome.into());
    life.d.completed_at = Some(finished);
    life.d.completed_date = Some(today);
    life.sink.count(
        &life.d,
        Delta {
            completed: 1,
            on_time: i64::from(today <= life.d.due_date),
            ..Default::default()
        },
    );
    life.step(
        Move::Complete,
        finished,
        life.d.current_agency_id,
        None,
        None,
        json!({"outcome": outcome, "on_time": today <= life.d.due_date}),
    );
}
