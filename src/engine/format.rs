//! TEMPORARY (replaced by the real module)
use minijinja::value::{Value, ValueKind};
pub fn go_string(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::Number => {
            if let Ok(i) = i64::try_from(value.clone()) {
                return i.to_string();
            }
            let f = f64::try_from(value.clone()).unwrap_or(0.0);
            format_float(f)
        }
        _ => value.to_string(),
    }
}
pub fn format_float(f: f64) -> String {
    if f.fract() == 0.0 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}
