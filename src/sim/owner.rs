//! The owner's side of a month (docs/model.md, One trajectory, step 4,
//! *Owner* and *Semi-passive*): how many new customers fit in their
//! hours, the burnout streak, and the milestones judged on what their
//! hustles earn and take together: break-even, passivity of at least one
//! half, and semi-passive income. One scenario's owner runs one hustle; a
//! portfolio's person runs several, and these rules see their totals.

use super::hustle::accepted;
use super::params::{CompiledModel, Params};
use crate::scenario::keys::Param;

/// The owner's rules and the streaks and milestones of one trajectory.
pub(crate) struct Owner<const FULL: bool> {
    /// The owner's capacity in hours a month, when it is set.
    capacity: Option<f64>,
    /// The owner's hourly value.
    pub(crate) hourly_value: f64,
    burnout_hours: f64,
    burnout_after: u32,
    sustain: Option<u32>,
    sp_net: f64,
    sp_hours: f64,
    sp_passivity: f64,

    burnout_streak: u32,
    sp_streak: u32,
    /// The month that completed the first run of qualifying months.
    pub(crate) semi_passive_month: Option<u32>,
    /// The first active month with cumulative net >= 0.
    pub(crate) break_even_month: Option<u32>,
    /// Bit t-1: month t qualified as semi-passive.
    pub(crate) qualifying: u128,
    /// Bit t-1: month t had passivity >= 0.5.
    pub(crate) passive_half: u128,
}

impl<const FULL: bool> Owner<FULL> {
    /// The owner that `cm`'s `[owner]` and `[semi_passive]` describe, with
    /// drawn parameters `prm`. An absent limit on hours is +inf, on
    /// passivity -inf: never binding.
    #[inline(always)]
    pub(crate) fn new(cm: &CompiledModel, prm: &Params) -> Self {
        Owner {
            capacity: (FULL && cm.capacity).then(|| prm.get(Param::CapacityHoursMonthly)),
            hourly_value: prm.get(Param::HourlyValue),
            burnout_hours: prm.get(Param::BurnoutHoursMonthly),
            burnout_after: cm.model.burnout_after_months,
            sustain: cm.model.semi_passive_sustain_months,
            sp_net: prm.get(Param::SemiPassiveMinNet),
            sp_hours: prm.get(Param::SemiPassiveMaxHours),
            sp_passivity: prm.get(Param::SemiPassiveMinPassivity),
            burnout_streak: 0,
            sp_streak: 0,
            semi_passive_month: None,
            break_even_month: None,
            qualifying: 0,
            passive_half: 0,
        }
    }

    /// Whether the owner's capacity limits new customers.
    #[inline(always)]
    pub(crate) fn has_capacity(&self) -> bool {
        self.capacity.is_some()
    }

    /// How many of `new` customers, each taking `marginal` hours, the owner
    /// accepts when `committed` hours of the month are already spoken for:
    /// all without a capacity.
    #[inline(always)]
    pub(crate) fn accept(&self, new: u64, committed: f64, marginal: f64) -> u64 {
        match self.capacity {
            Some(capacity) => accepted(new, committed, marginal, capacity),
            None => new,
        }
    }

    /// Month `t`, in which at least one of the owner's hustles is launched
    /// and running (or ends by the owner's quitting or burnout in it), with
    /// their total `net`, `hours`, `passivity` and cumulative net. Returns
    /// whether the owner burns out this month: the month that completes
    /// the streak still counts in full.
    #[inline(always)]
    pub(crate) fn month(
        &mut self,
        t: usize,
        net: f64,
        hours: f64,
        cumulative_net: f64,
        passivity: f64,
    ) -> bool {
        if FULL && passivity >= 0.5 {
            self.passive_half |= 1u128 << (t - 1);
        }
        if self.break_even_month.is_none() && cumulative_net >= 0.0 {
            self.break_even_month = Some(t as u32);
        }
        self.burnout_streak = if hours > self.burnout_hours {
            self.burnout_streak + 1
        } else {
            0
        };
        // Semi-passive: this month counts even if the owner stops in it.
        if let Some(sustain) = self.sustain {
            if net >= self.sp_net
                && hours <= self.sp_hours
                && (!FULL || passivity >= self.sp_passivity)
            {
                self.qualifying |= 1u128 << (t - 1);
                self.sp_streak += 1;
                if self.sp_streak >= sustain && self.semi_passive_month.is_none() {
                    self.semi_passive_month = Some(t as u32);
                }
            } else {
                self.sp_streak = 0;
            }
        }
        self.burnout_streak >= self.burnout_after
    }

    /// A month in which none of the owner's hustles is launched and
    /// running: it breaks every streak.
    #[inline(always)]
    pub(crate) fn idle(&mut self) {
        self.burnout_streak = 0;
        self.sp_streak = 0;
    }
}
