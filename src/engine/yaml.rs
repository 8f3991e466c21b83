//! TEMPORARY (replaced by the real module)
use minijinja::value::{Value, ValueKind};
pub fn to_yaml(value: &Value) -> Result<String, minijinja::Error> {
    Ok(emit(value, 0).trim_end().to_string())
}
fn emit(v: &Value, ind: usize) -> String {
    let pad = " ".repeat(ind);
    match v.kind() {
        ValueKind::Map => {
            if v.len() == Some(0) {
                return "{}".into();
            }
            let mut s = String::new();
            for k in v.try_iter().unwrap() {
                let val = v.get_item(&k).unwrap();
                let inner = match val.kind() {
                    ValueKind::Map if val.len() != Some(0) => format!("\n{}", emit(&val, ind + 2)),
                    ValueKind::Seq if val.len() != Some(0) => format!("\n{}", emit(&val, ind)),
                    _ => format!(" {}", emit(&val, ind)),
                };
                s.push_str(&format!(
                    "{pad}{}:{}\n",
                    quote_double(&k.to_string()),
                    inner.trim_end()
                ));
            }
            s
        }
        ValueKind::Seq => {
            if v.len() == Some(0) {
                return "[]".into();
            }
            let mut s = String::new();
            for item in v.try_iter().unwrap() {
                let inner = emit(&item, ind + 2);
                s.push_str(&format!("{pad}- {}\n", inner.trim_start().trim_end()));
            }
            s
        }
        ValueKind::String => quote_double(v.as_str().unwrap()),
        ValueKind::Undefined | ValueKind::None => "null".into(),
        _ => super::format::go_string(v),
    }
}
pub fn quote_double(s: &str) -> String {
    format!("{:?}", s)
}
