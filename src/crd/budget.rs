//! The runtime cost budget of one object's CEL rules, as the API server
//! keeps it: each call within [`PER_CALL_LIMIT`], all of them within
//! [`RUNTIME_BUDGET`]; the first rule over either stops the object's CEL
//! validation. Costs are estimated from the object's own sizes before each
//! rule runs ([`super::cost`]); a wall-clock guard stops the rest should
//! the evaluator still take too long.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::cel::CompiledRule;
use super::cost::{self, PER_CALL_LIMIT, RUNTIME_BUDGET};
use super::node::Node;
use super::{Rule, Violation};

/// Longest the CEL rules of one object may run (the API server's budget is
/// "roughly 1 second" of its evaluator).
const TIME_GUARD: Duration = Duration::from_secs(10);

/// What is left of one object's budget.
pub(super) struct Budget {
    remaining: u64,
    started: Instant,
    spent: bool,
}

impl Budget {
    /// A full budget, starting now.
    pub fn new() -> Self {
        Self {
            remaining: RUNTIME_BUDGET,
            started: Instant::now(),
            spent: false,
        }
    }

    /// Whether no further rule may run.
    pub fn spent(&self) -> bool {
        self.spent
    }

    /// Charge the cost of `rule` on `value` at `node` before it runs; the
    /// violation that stops the object's CEL validation when it does not fit.
    pub fn charge(&mut self, rule: &CompiledRule, node: &Node, value: &Value, pointer: &str) -> Result<(), Violation> {
        let refuse = |budget: &mut Self, message: String| {
            budget.spent = true;
            Err(Violation {
                pointer: pointer.to_owned(),
                message,
                rule: Rule::CelBudget {
                    rule: rule.rule.clone(),
                },
            })
        };
        if self.spent || self.started.elapsed() > TIME_GUARD {
            return refuse(self, OUT_OF_BUDGET.to_owned());
        }
        let cost = cost::estimate(rule.program.expression(), node, Some(value));
        if cost > PER_CALL_LIMIT {
            return refuse(
                self,
                format!(
                    "operation cancelled: actual cost limit exceeded: no further validation rules will be run due \
                     to call cost exceeds limit for rule: {} (estimated cost {cost}, limit {PER_CALL_LIMIT})",
                    rule.rule
                ),
            );
        }
        if cost > self.remaining {
            return refuse(self, OUT_OF_BUDGET.to_owned());
        }
        self.remaining -= cost;
        Ok(())
    }

    /// Charge the cost of `rule`'s `messageExpression` on `value`; whether it
    /// fits (when it does not, the rule's `message` is used instead).
    pub fn charge_message(&mut self, rule: &CompiledRule, node: &Node, value: &Value) -> bool {
        let Some(expression) = &rule.message_expression else {
            return false;
        };
        let cost = cost::estimate(expression.expression(), node, Some(value));
        if cost > PER_CALL_LIMIT || cost > self.remaining {
            return false;
        }
        self.remaining -= cost;
        true
    }
}

/// The API server's message when an object's rules spend the budget.
const OUT_OF_BUDGET: &str =
    "validation failed due to running out of cost budget, no further validation rules will be run";
