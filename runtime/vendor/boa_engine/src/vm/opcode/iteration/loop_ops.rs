use crate::error::RuntimeLimitError;
use crate::{Context, JsResult, vm::opcode::Operation};

/// `IncrementLoopIteration` implements the Opcode Operation for `Opcode::IncrementLoopIteration`.
///
/// Operation:
///  - Increment loop iteration count.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IncrementLoopIteration;

impl IncrementLoopIteration {
    #[inline(always)]
    pub(crate) fn operation((): (), context: &mut Context) -> JsResult<()> {
        // rk6 patch: a loop is where a busy script must notice the host's interrupt, and
        // where it lets the host run others.
        context.vm.check_interrupt()?;
        context.vm.preempt_countdown -= 1;
        if context.vm.preempt_countdown == 0 {
            context.vm.preempt_countdown = crate::vm::PREEMPT_EVERY;
            if let Some(hook) = context.vm.preempt_hook {
                hook(context)?;
            }
        }
        let max = context.vm.runtime_limits.loop_iteration_limit();
        let frame = context.vm.frame_mut();
        let previous_iteration_count = frame.loop_iteration_count;

        if previous_iteration_count > max {
            return Err(RuntimeLimitError::LoopIteration.into());
        }

        frame.loop_iteration_count = previous_iteration_count.wrapping_add(1);
        Ok(())
    }
}

impl IncrementLoopIteration {
    /// rk6 patch: `n` iterations of a native loop at once (`String.prototype.repeat`),
    /// failing where `n` separate [`Self::operation`]s would.
    pub(crate) fn charge(n: u64, context: &mut Context) -> JsResult<()> {
        if n == 0 {
            return Ok(());
        }
        context.vm.check_interrupt()?;
        let max = context.vm.runtime_limits.loop_iteration_limit();
        let frame = context.vm.frame_mut();
        if frame.loop_iteration_count.saturating_add(n - 1) > max {
            return Err(RuntimeLimitError::LoopIteration.into());
        }
        frame.loop_iteration_count = frame.loop_iteration_count.saturating_add(n);
        Ok(())
    }
}

impl Operation for IncrementLoopIteration {
    const NAME: &'static str = "IncrementLoopIteration";
    const INSTRUCTION: &'static str = "INST - IncrementLoopIteration";
    const COST: u8 = 3;
}
