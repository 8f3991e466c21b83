//! The evaluation in progress on this thread: what `include` and nested `tpl` need while
//! gtmpl-ng runs (its functions are plain `fn` pointers, so they cannot carry it).
//!
//! A session holds the root context (`.` of the value), the chart's helper outputs rendered so
//! far, and the nesting depth of `tpl`. An `include` of a helper not rendered yet records its
//! name ([`Session::wanted`]) and fails; [`super::evaluate`] then renders the helper through
//! minijinja and runs the (side-effect free) evaluation again.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use gtmpl_ng::{FuncError, Value};

/// How deep `tpl` may call `tpl` (a value that runs itself through `tpl` would recurse
/// forever; Helm itself crashes with a stack overflow).
pub const MAX_TPL_DEPTH: usize = 8;

/// What the functions of one evaluation see.
#[derive(Debug)]
pub(crate) struct Session {
    /// `.` at the top of the value: the only argument `include` accepts.
    pub root: Arc<Value>,
    /// `CHART.` : the prefix of the helper names `include` knows.
    pub prefix: String,
    /// Helper outputs by Helm name; `None` for a name the chart has no helper for.
    pub helpers: Arc<BTreeMap<String, Option<String>>>,
    /// A helper `include` asked for that is not rendered yet.
    pub wanted: Option<String>,
    /// Nesting depth of `tpl` calls.
    pub depth: usize,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Installs `session` for the duration of `run`, then returns it (with what `include`
/// recorded) along with `run`'s result. The previous session is restored.
pub(crate) fn with_session<R>(session: Session, run: impl FnOnce() -> R) -> (R, Session) {
    struct Restore(Option<Session>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            if self.1 {
                let previous = self.0.take();
                SESSION.with_borrow_mut(|s| *s = previous);
            }
        }
    }
    let previous = SESSION.with_borrow_mut(|s| s.replace(session));
    let mut restore = Restore(previous, true);
    let result = run();
    let previous = restore.0.take();
    restore.1 = false;
    let session = SESSION
        .with_borrow_mut(|s| std::mem::replace(s, previous))
        .expect("the session installed above");
    (result, session)
}

/// `include NAME DATA` in the current session.
pub(crate) fn include(name: &str, data: &Value) -> Result<String, FuncError> {
    SESSION.with_borrow_mut(|session| {
        let Some(session) = session else {
            return Err(FuncError::Generic(
                "include: no chart helpers outside a templated value".into(),
            ));
        };
        if !name.starts_with(&session.prefix) {
            return Err(FuncError::Generic(format!(
                "include: no template {name:?}: only the chart's helpers ({}*) can be included",
                session.prefix
            )));
        }
        match session.helpers.get(name) {
            Some(Some(text)) => {
                if *data != *session.root {
                    return Err(FuncError::Generic(format!(
                        "include {name:?}: only the root context (`.` or `$`) can be passed to a chart helper"
                    )));
                }
                Ok(text.clone())
            }
            Some(None) => Err(FuncError::Generic(format!(
                "include: no template {name:?}: the chart has no such helper"
            ))),
            None => {
                session.wanted = Some(name.to_string());
                Err(FuncError::Generic(format!(
                    "include {name:?}: helper not rendered yet"
                )))
            }
        }
    })
}

/// `tpl TEXT DOT` inside a templated value: TEXT evaluated with DOT as `.`, at most
/// [`MAX_TPL_DEPTH`] levels deep.
pub(crate) fn nested_tpl(text: &str, dot: &Value) -> Result<String, FuncError> {
    let depth = SESSION.with_borrow_mut(|session| {
        session.as_mut().map(|s| {
            s.depth += 1;
            s.depth
        })
    });
    let Some(depth) = depth else {
        return Err(FuncError::Generic(
            "tpl: only inside a templated value".into(),
        ));
    };
    let result = if depth > MAX_TPL_DEPTH {
        Err(FuncError::Generic(format!(
            "tpl nested more than {MAX_TPL_DEPTH} levels deep (does a value run itself through tpl?)"
        )))
    } else {
        super::run(text, dot.clone()).map_err(|e| {
            let (line, column, message) = super::locate(&e, text);
            FuncError::Generic(format!(
                "error calling tpl: at {line}:{column} of its text: {message}"
            ))
        })
    };
    SESSION.with_borrow_mut(|session| {
        if let Some(s) = session.as_mut() {
            s.depth -= 1;
        }
    });
    result
}
