//! Per-thread memo tables for pure functions that see the same text over and over (type
//! spellings in every property table, JSON names inherited by every derived type).

use std::cell::RefCell;
use std::collections::HashMap;

/// Results by input text, for one thread (`thread_local!`). Cleared when it passes
/// [`Memo::LIMIT`] entries, a bound for long runs over arbitrary text (the fuzzer).
pub(crate) struct Memo<V>(RefCell<HashMap<String, V>>);

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo(RefCell::new(HashMap::new()))
    }
}

impl<V: Clone> Memo<V> {
    pub const LIMIT: usize = 100_000;

    /// `make(key)`, made once per key (until the table is cleared).
    pub fn get_or(&self, key: &str, make: impl FnOnce(&str) -> V) -> V {
        if let Some(made) = self.0.borrow().get(key) {
            return made.clone();
        }
        let made = make(key);
        let mut table = self.0.borrow_mut();
        if table.len() >= Self::LIMIT {
            table.clear();
        }
        table.insert(key.to_string(), made.clone());
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_once_and_stays_bounded() {
        let memo = Memo::default();
        let mut calls = 0;
        for _ in 0..3 {
            assert_eq!(
                memo.get_or("a", |k| {
                    calls += 1;
                    k.len()
                }),
                1
            );
        }
        assert_eq!(calls, 1);
        for i in 0..Memo::<usize>::LIMIT + 5 {
            memo.get_or(&i.to_string(), str::len);
        }
        assert!(memo.0.borrow().len() <= Memo::<usize>::LIMIT);
    }
}
