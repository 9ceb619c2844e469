//! Each IR pass tested as data: a few markdown pages, written inline, are parsed and built
//! up to the pass (the passes of [`PASSES`] before it), then the pass runs alone. A case's
//! snapshot is what that pass changed — the state as JSON before and after, diffed by path
//! (`~` changed, `+` added, `-` removed; a `Loc` is printed `file:line:col`) — and the
//! diagnostics it added (`+`) or removed (`-`).
//!
//! The snapshots are inline (`@r#"..."#`): `cargo insta test -p doc2rs --lib --accept --
//! pass_tests` rewrites them (plain `cargo test` with `INSTA_UPDATE=always` leaves the new
//! ones in `.pass_tests.rs.pending-snap` for `cargo insta accept`). Read each: it must show
//! what the pass did to its pages; `(nothing changed)` means the case misses the pass.

use super::build::{PASSES, State};
use super::resources::RawType;
use super::service;
use crate::diag::Diagnostics;
use crate::page::{Page, parse::parse_page};
use serde_json::{Map, Value, json};
use similar::{Algorithm, DiffOp, capture_diff_slices};

/// Run the pass named `pass` on `pages` (file name, markdown) and print what it changed.
fn check(pass: &str, pages: &[(String, String)]) -> String {
    let at = PASSES
        .iter()
        .position(|(name, _)| *name == pass)
        .unwrap_or_else(|| panic!("no pass named `{pass}`"));
    let pages = parse(pages);
    let mut state = State::new(&pages);
    let mut diags = Diagnostics::default();
    for (_, earlier) in &PASSES[..at] {
        earlier(&mut state, &mut diags);
    }
    let (before, before_diags) = (view(&state), diag_lines(&diags));
    (PASSES[at].1)(&mut state, &mut diags);
    let mut out = String::new();
    diff("", &before, &view(&state), &mut out);
    let after_diags = diag_lines(&diags);
    let mut said = |sign: &str, lines: &[String], other: &[String]| {
        for d in lines.iter().filter(|d| !other.contains(d)) {
            out.push_str(&format!("{sign} diagnostic {d}\n"));
        }
    };
    said("-", &before_diags, &after_diags);
    said("+", &after_diags, &before_diags);
    if out.is_empty() {
        out.push_str("(nothing changed)\n");
    }
    out
}

/// The service [`service::of`] derives from the IR the whole build makes of `pages`.
fn service_of(pages: &[(String, String)]) -> String {
    let pages = parse(pages);
    let ir = super::build::build(&pages, &mut Diagnostics::default());
    let mut out = String::new();
    let mut derived = serde_json::to_value(service::of(&ir)).unwrap();
    shorten(&mut derived);
    diff("", &json!({}), &derived, &mut out);
    if out.is_empty() {
        out.push_str("(no service)\n");
    }
    out
}

fn parse(pages: &[(String, String)]) -> Vec<Page> {
    // Page-level diagnostics are the page parser's, not a pass's.
    let mut page_diags = Diagnostics::default();
    let parsed = pages
        .iter()
        .map(|(file, text)| parse_page(file, text, &mut page_diags));
    parsed.collect()
}

fn diag_lines(diags: &Diagnostics) -> Vec<String> {
    let sorted = diags.clone().into_sorted();
    sorted.iter().map(ToString::to_string).collect()
}

/// The state as JSON: the IR's fields, and what the first passes hand on before there are
/// types in it (empty parts left out).
fn view(s: &State) -> Value {
    let summaries = |types: &mut dyn Iterator<Item = &RawType>| -> Value {
        types.map(RawType::summary).collect()
    };
    let claims: Vec<Value> = s
        .claims
        .iter()
        .map(|c| json!({ "ty": c.ty, "base": c.base, "source": c.source, "loc": c.loc }))
        .collect();
    let hints: Map<String, Value> = s
        .hints
        .iter()
        .map(|((ty, prop), (t, coll))| (format!("{ty}.{prop}"), json!([t, coll])))
        .collect();
    let examples: Vec<Value> = s
        .resource_examples
        .iter()
        .map(|(ty, _, body, loc)| json!({ "type": ty, "body": body, "loc": loc }))
        .collect();
    let mut v = serde_json::to_value(&s.ir).unwrap();
    let map = v.as_object_mut().unwrap();
    map.insert("raw_types".into(), summaries(&mut s.raw_types.iter()));
    map.insert("merged_types".into(), summaries(&mut s.merged.values()));
    map.insert(
        "pending_enums".into(),
        s.enums.values().map(|e| json!(e)).collect(),
    );
    map.insert("resource_examples".into(), examples.into());
    map.insert("claims".into(), claims.into());
    map.insert("json_hints".into(), hints.into());
    shorten(&mut v);
    v
}

/// Shorter everywhere in `v`: a `Loc` as `"file:line:col"`, a `TypeRef` as `"String"`,
/// `"complex x"`, `"enum x"` or `"opaque x"`, and no member that is `null`, `false`, `""`,
/// `[]` or `{}` (a change to or from one shows as `+` or `-`).
fn shorten(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let keys: Vec<&str> = m.keys().map(String::as_str).collect();
            let kind = m.get("kind").and_then(Value::as_str).unwrap_or("");
            let short = match (keys.as_slice(), kind) {
                (["col", "file", "line"], _) => Some(format!(
                    "{}:{}:{}",
                    m["file"].as_str().unwrap_or(""),
                    m["line"],
                    m["col"]
                )),
                (["kind", "primitive"], "primitive") => m["primitive"].as_str().map(str::to_string),
                (["kind", "name"], "complex" | "enum") => {
                    Some(format!("{kind} {}", m["name"].as_str().unwrap_or("")))
                }
                (["kind", "spelling"], "opaque") => {
                    Some(format!("opaque `{}`", m["spelling"].as_str().unwrap_or("")))
                }
                _ => None,
            };
            if let Some(short) = short {
                *v = Value::String(short);
                return;
            }
            m.values_mut().for_each(shorten);
            m.retain(|_, v| !is_empty(v));
        }
        Value::Array(items) => items.iter_mut().for_each(shorten),
        _ => {}
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// The changes from `a` to `b` at `path`, one line each (a large value on indented lines).
fn diff(path: &str, a: &Value, b: &Value, out: &mut String) {
    match (a, b) {
        _ if a == b => {}
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let at = format!("{path}{}", key(k));
                match (x.get(k), y.get(k)) {
                    (Some(a), Some(b)) => diff(&at, a, b, out),
                    // A part of the state the pass used up: only its size.
                    (Some(Value::Array(a)), None) if path.is_empty() => {
                        out.push_str(&format!("- {k}: {} handed on\n", a.len()))
                    }
                    (Some(a), None) => line(out, "-", &at, a),
                    (None, Some(b)) => line(out, "+", &at, b),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => diff_items(path, x, y, out),
        _ => changed(path, a, b, out),
    }
}

/// Lists aligned element by element (an inserted element is one `+`, not a shift); lists
/// of named elements by name (a removed one is only named).
fn diff_items(path: &str, x: &[Value], y: &[Value], out: &mut String) {
    let names = |items: &[Value]| -> Option<Vec<String>> {
        let names: Option<Vec<String>> = items.iter().map(name).collect();
        names.filter(|n| n.iter().collect::<std::collections::BTreeSet<_>>().len() == n.len())
    };
    if let (Some(xn), Some(yn)) = (names(x), names(y)) {
        for (i, n) in xn.iter().enumerate() {
            match yn.iter().position(|m| m == n) {
                Some(j) => diff(&format!("{path}[{n}]"), &x[i], &y[j], out),
                None => out.push_str(&format!("- {}[{n}]\n", path.trim_start_matches('.'))),
            }
        }
        for (j, n) in yn.iter().enumerate().filter(|(_, n)| !xn.contains(n)) {
            line(out, "+", &format!("{path}[{n}]"), &y[j]);
        }
        return;
    }
    let xs: Vec<String> = x.iter().map(text).collect();
    let ys: Vec<String> = y.iter().map(text).collect();
    let at = |i: usize, v: &Value| format!("{path}[{}]", name(v).unwrap_or(i.to_string()));
    for op in capture_diff_slices(Algorithm::Myers, &xs, &ys) {
        let (old, new) = (op.old_range(), op.new_range());
        match op {
            DiffOp::Equal { .. } => {}
            _ => {
                let paired = old.len().min(new.len());
                for (i, j) in old.clone().zip(new.clone()) {
                    diff(&at(i, &x[i]), &x[i], &y[j], out);
                }
                for i in old.skip(paired) {
                    line(out, "-", &at(i, &x[i]), &x[i]);
                }
                for j in new.skip(paired) {
                    line(out, "+", &at(j, &y[j]), &y[j]);
                }
            }
        }
    }
}

/// An element's name: its `id` (an operation's page), else its `name`.
fn name(v: &Value) -> Option<String> {
    ["id", "name"]
        .iter()
        .find_map(|k| Some(v.get(k)?.as_str()?.to_string()))
}

fn key(k: &str) -> String {
    let plain = k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!(".{k}")
    } else {
        format!("[{k}]")
    }
}

fn text(v: &Value) -> String {
    serde_json::to_string(v).unwrap()
}

/// `~ path: old => new`, or on two lines when long.
fn changed(path: &str, a: &Value, b: &Value, out: &mut String) {
    let path = path.trim_start_matches('.');
    let (a, b) = (text(a), text(b));
    if a.len() + b.len() <= 90 {
        out.push_str(&format!("~ {path}: {a} => {b}\n"));
    } else {
        out.push_str(&format!("~ {path}:\n    was {a}\n    now {b}\n"));
    }
}

/// `sign path: value`, a long value on the lines below.
fn line(out: &mut String, sign: &str, path: &str, v: &Value) {
    let path = path.trim_start_matches('.');
    let one = text(v);
    if one.len() + path.len() <= 100 {
        out.push_str(&format!("{sign} {path}: {one}\n"));
    } else {
        out.push_str(&format!("{sign} {path}:\n    "));
        render(v, 4, out);
        out.push('\n');
    }
}

/// JSON with each value on one line when it fits in 100 columns at `indent`.
fn render(v: &Value, indent: usize, out: &mut String) {
    let one = text(v);
    let pad = " ".repeat(indent + 2);
    let (open, close, items): (char, char, Vec<(Option<&String>, &Value)>) = match v {
        _ if indent + one.len() <= 100 => return out.push_str(&one),
        Value::Object(m) => ('{', '}', m.iter().map(|(k, v)| (Some(k), v)).collect()),
        Value::Array(a) => ('[', ']', a.iter().map(|v| (None, v)).collect()),
        _ => return out.push_str(&one),
    };
    out.push(open);
    for (i, (k, v)) in items.iter().enumerate() {
        out.push_str(&format!("\n{pad}"));
        if let Some(k) = k {
            out.push_str(&format!("{}: ", text(&Value::String(k.to_string()))));
        }
        render(v, indent + 2, out);
        if i + 1 < items.len() {
            out.push(',');
        }
    }
    out.push_str(&format!("\n{}{close}", " ".repeat(indent)));
}

// ---------------------------------------------------------------------------------------
// Pages

/// A resource page `resources/{name}.md` in `microsoft.graph`: its head, then `body`.
fn resource(name: &str, body: &str) -> (String, String) {
    let head = format!(
        "---\ntitle: \"{name} resource type\"\ndoc_type: resourcePageType\n---\n\n\
         # {name} resource type\n\nNamespace: microsoft.graph\n"
    );
    (format!("resources/{name}.md"), head + body)
}

/// An API page `api/{file}.md` titled `title`: its head, then `body`.
fn api(file: &str, title: &str, body: &str) -> (String, String) {
    let head = format!(
        "---\ntitle: \"{title}\"\ndoc_type: apiPageType\n---\n\n\
         # {title}\n\nNamespace: microsoft.graph\n"
    );
    (format!("api/{file}.md"), head + body)
}

/// The enum page `resources/enums.md`: its head, then `body`.
fn enums(body: &str) -> (String, String) {
    let head = "---\ntitle: \"Enum values\"\ndoc_type: enumPageType\n---\n\n\
                # Enum values\n\nNamespace: microsoft.graph\n";
    ("resources/enums.md".into(), head.to_string() + body)
}

// ---------------------------------------------------------------------------------------
// Cases: each pass, its usual shape and an irregularity

/// `widget`: a keyed type with a name and a JSON representation.
fn widget() -> (String, String) {
    resource(
        "widget",
        r#"
## Properties

| Property | Type | Description |
|:---|:---|:---|
| id | String | Key. |
| displayName | String | The name. |

## JSON representation

<!-- { "blockType": "resource", "keyProperty": "id", "@odata.type": "microsoft.graph.widget" } -->
```json
{ "id": "String", "displayName": "String" }
```
"#,
    )
}

/// `GET /widgets/{id}` returning a `widget`, on `api/{file}.md`.
fn get_widget(file: &str) -> (String, String) {
    api(
        file,
        "Get widget",
        r#"
## HTTP request

<!-- { "blockType": "ignored" } -->
```http
GET /widgets/{id}
```

## Response

If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.
"#,
    )
}

mod read_pages {
    use super::{check, enums, resource, widget};

    #[test]
    fn a_resource_page_and_an_enum_page() {
        let out = check(
            "collect resources and enums",
            &[
                widget(),
                enums("\n### widgetState values\n\n| Member |\n|:---|\n| on |\n| off |\n"),
            ],
        );
        insta::assert_snapshot!(out, @r#"
            + pages: {"resources/enums.md":"enum","resources/widget.md":"resource"}
            + pending_enums:
                [
                  {
                    "area": "general",
                    "loc": "resources/enums.md:10:1",
                    "members": [
                      {"loc":"resources/enums.md:14:3","name":"on"},
                      {"loc":"resources/enums.md:15:3","name":"off"}
                    ],
                    "name": "microsoft.graph.widgetState",
                    "namespace": "microsoft.graph"
                  }
                ]
            + raw_types:
                [
                  {
                    "json": true,
                    "key": "id",
                    "name": "microsoft.graph.widget",
                    "props": ["id: String","displayName: String"]
                  }
                ]
            "#);
    }

    #[test]
    fn a_resource_annotation_without_a_type() {
        let out = check(
            "collect resources and enums",
            &[resource(
                "gadget",
                r#"
## Properties

| Property | Type | Description |
|:---|:---|:---|
| id | String | Key. |

## JSON representation

<!-- { "blockType": "resource" } -->
```json
{ "id": "String" }
```
"#,
            )],
        );
        insta::assert_snapshot!(out, @r#"
            + pages: {"resources/gadget.md":"resource"}
            + raw_types: [{"name":"microsoft.graph.gadget","props":["id: String"]}]
            + diagnostic resources/gadget.md:6:1: warning[D2R311 resource-without-type]: resource page has no resource annotation; type `microsoft.graph.gadget` taken from the title
            + diagnostic resources/gadget.md:18:6: warning[D2R311 resource-without-type]: resource annotation has no `@odata.type`
            "#);
    }
}

mod merge_types {
    use super::{check, enums, resource, widget};

    #[test]
    fn two_definitions_merge_into_the_fuller() {
        let short = resource(
            "widget-old",
            "\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n| id | String | Key. |\n| color | String | Only here. |\n",
        );
        let short = (
            short.0,
            short.1.replace("widget-old resource", "widget resource"),
        );
        let out = check("merge duplicates, index names", &[widget(), short]);
        insta::assert_snapshot!(out, @r#"
            + merged_types:
                [
                  {
                    "json": true,
                    "key": "id",
                    "name": "microsoft.graph.widget",
                    "props": ["id: String","color: String","displayName: String"]
                  }
                ]
            - raw_types: 2 handed on
            + diagnostic resources/widget.md:19:6: warning[D2R303 type-duplicate]: type `microsoft.graph.widget` is defined more than once; merged into the fuller definition (see also resources/widget-old.md:6:1)
            "#);
    }

    #[test]
    fn a_type_and_an_enum_of_one_name() {
        let out = check(
            "merge duplicates, index names",
            &[
                widget(),
                enums("\n### widget values\n\n| Member |\n|:---|\n| a |\n| b |\n"),
            ],
        );
        insta::assert_snapshot!(out, @r#"
            + merged_types:
                [
                  {
                    "json": true,
                    "key": "id",
                    "name": "microsoft.graph.widget",
                    "props": ["id: String","displayName: String"]
                  }
                ]
            - pending_enums: 1 handed on
            - raw_types: 1 handed on
            + diagnostic resources/widget.md:19:6: warning[D2R303 type-duplicate]: `microsoft.graph.widget` is defined both as a type and as an enum; the type wins (see also resources/enums.md:10:1)
            "#);
    }
}

mod resolve {
    use super::{check, enums, resource, widget};

    #[test]
    fn loosely_spelt_types_are_normalised() {
        let out = check(
            "resolve properties, cross-check JSON",
            &[
                resource(
                    "gadget",
                    r#"
## Properties

| Property | Type | Description |
|:---|:---|:---|
| id | string | Key. |
| size | long | Bytes. |
| created | edm.DateTime | When. |
| tags | Collection(Edm.String) | Tags. |
| parts | [widget](widget.md) collection | The parts. |
| state | [widgetState](enums.md#widgetstate-values) | State. |
"#,
                ),
                widget(),
                enums("\n### widgetState values\n\n| Member |\n|:---|\n| on |\n| off |\n"),
            ],
        );
        insta::assert_snapshot!(out, @r#"
            + enums:
                {
                  "microsoft.graph.widgetState": {
                    "area": "general",
                    "loc": "resources/enums.md:10:1",
                    "members": [
                      {"loc":"resources/enums.md:14:3","name":"on"},
                      {"loc":"resources/enums.md:15:3","name":"off"}
                    ],
                    "name": "microsoft.graph.widgetState",
                    "namespace": "microsoft.graph"
                  }
                }
            - merged_types: 2 handed on
            - pending_enums: 1 handed on
            + types:
                {
                  "microsoft.graph.gadget": {
                    "area": "general",
                    "key": "id",
                    "kind": "entity",
                    "loc": "resources/gadget.md:6:1",
                    "name": "microsoft.graph.gadget",
                    "namespace": "microsoft.graph",
                    "properties": [
                      {"description":"Key.","loc":"resources/gadget.md:14:3","name":"id","type":"String"},
                      {"description":"Bytes.","loc":"resources/gadget.md:15:3","name":"size","type":"Int64"},
                      {
                        "description": "When.",
                        "loc": "resources/gadget.md:16:3",
                        "name": "created",
                        "type": "DateTimeOffset"
                      },
                      {
                        "collection": true,
                        "description": "Tags.",
                        "loc": "resources/gadget.md:17:3",
                        "name": "tags",
                        "type": "String"
                      },
                      {
                        "collection": true,
                        "description": "The parts.",
                        "loc": "resources/gadget.md:18:3",
                        "name": "parts",
                        "type": "complex microsoft.graph.widget"
                      },
                      {
                        "description": "State.",
                        "loc": "resources/gadget.md:19:3",
                        "name": "state",
                        "type": "enum microsoft.graph.widgetState"
                      }
                    ]
                  },
                  "microsoft.graph.widget": {
                    "area": "general",
                    "key": "id",
                    "kind": "entity",
                    "loc": "resources/widget.md:19:6",
                    "name": "microsoft.graph.widget",
                    "namespace": "microsoft.graph",
                    "properties": [
                      {"description":"Key.","loc":"resources/widget.md:14:3","name":"id","type":"String"},
                      {
                        "description": "The name.",
                        "loc": "resources/widget.md:15:3",
                        "name": "displayName",
                        "type": "String"
                      }
                    ]
                  }
                }
            "#);
    }

    #[test]
    fn an_undefined_name_and_a_member_only_in_the_json() {
        let out = check(
            "resolve properties, cross-check JSON",
            &[resource(
                "gadget",
                r#"
## Properties

| Property | Type | Description |
|:---|:---|:---|
| id | String | Key. |
| owner | [person](person.md) | Not defined anywhere. |
| count | Int32 | A count. |
| size | Int 64 | Bytes. |

## JSON representation

<!-- { "blockType": "resource", "keyProperty": "id", "@odata.type": "microsoft.graph.gadget" } -->
```json
{ "id": "String", "owner": {"@odata.type": "microsoft.graph.person"}, "count": "String", "extra": true }
```
"#,
            )],
        );
        insta::assert_snapshot!(out, @r#"
            + json_hints: {"microsoft.graph.gadget.count":["String",false]}
            - merged_types: 1 handed on
            + types:
                {
                  "microsoft.graph.gadget": {
                    "area": "general",
                    "key": "id",
                    "kind": "entity",
                    "loc": "resources/gadget.md:21:6",
                    "name": "microsoft.graph.gadget",
                    "namespace": "microsoft.graph",
                    "properties": [
                      {"description":"Key.","loc":"resources/gadget.md:14:3","name":"id","type":"String"},
                      {
                        "description": "Not defined anywhere.",
                        "loc": "resources/gadget.md:15:3",
                        "name": "owner",
                        "type": "opaque `person`"
                      },
                      {"description":"A count.","loc":"resources/gadget.md:16:3","name":"count","type":"Int32"},
                      {
                        "description": "Bytes.",
                        "loc": "resources/gadget.md:17:3",
                        "name": "size",
                        "type": "opaque `Int 64`"
                      },
                      {"loc":"resources/gadget.md:22:1","name":"extra","type":"Boolean"}
                    ]
                  }
                }
            + diagnostic resources/gadget.md:15:11: warning[D2R302 type-unresolved]: type `person` is not defined in the docs; kept as raw JSON
            + diagnostic resources/gadget.md:16:3: note[D2R304 type-table-json-mismatch]: `count`: table and JSON representation disagree (`Int32` vs `String`); the table wins
            + diagnostic resources/gadget.md:17:10: warning[D2R301 type-spelling-unrecognised]: unrecognised type spelling `Int 64`; kept as raw JSON
            + diagnostic resources/gadget.md:22:1: note[D2R305 property-only-in-json]: `extra` appears only in the JSON representation of `microsoft.graph.gadget`; added
            "#);
    }
}

/// `animal` (keyed) and `dog`, whose page says `intro` before its tables.
fn animal_and_dog(intro: &str, annotation_base: Option<&str>) -> Vec<(String, String)> {
    let base = annotation_base.map_or(String::new(), |b| format!(r#", "baseType": "{b}""#));
    let dog = format!(
        r#"
{intro}

## Properties

| Property | Type | Description |
|:---|:---|:---|
| barks | Boolean | Whether it barks. |

## JSON representation

<!-- {{ "blockType": "resource", "@odata.type": "microsoft.graph.dog"{base} }} -->
```json
{{ "barks": true }}
```
"#
    );
    let animal = "\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n| id | String | Key. |\n\n<!-- { \"blockType\": \"resource\", \"keyProperty\": \"id\", \"@odata.type\": \"microsoft.graph.animal\" } -->\n```json\n{ \"id\": \"String\" }\n```\n";
    let plant = "\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n| leaves | Int32 | Leaves. |\n";
    vec![
        resource("animal", animal),
        resource("dog", &dog),
        resource("plant", plant),
    ]
}

mod hierarchy_stated {
    use super::{animal_and_dog, check};

    #[test]
    fn a_base_stated_in_prose() {
        let pages = animal_and_dog("Inherits from [animal](animal.md).", None);
        insta::assert_snapshot!(check("hierarchy: stated bases", &pages), @r#"
            + types[microsoft.graph.dog].base: "microsoft.graph.animal"
            + types[microsoft.graph.dog].base_source: {"loc":"resources/dog.md:10:1","source":"prose"}
            "#);
    }

    #[test]
    fn the_prose_contradicts_the_annotation() {
        let pages = animal_and_dog(
            "Inherits from [plant](plant.md).",
            Some("microsoft.graph.animal"),
        );
        insta::assert_snapshot!(check("hierarchy: stated bases", &pages), @r#"
            + types[microsoft.graph.dog].base: "microsoft.graph.animal"
            + types[microsoft.graph.dog].base_source: {"loc":"resources/dog.md:20:6","source":"annotation"}
            + diagnostic resources/dog.md:10:1: note[D2R313 base-type-conflict]: the page says `microsoft.graph.dog` derives from `microsoft.graph.plant`, but its base is `microsoft.graph.animal` (the resource annotation); kept `microsoft.graph.animal` (see also resources/dog.md:20:6)
            "#);
    }
}

mod possible_values {
    use super::{check, enums, resource};

    fn pages(rows: &str, enum_tables: &str) -> Vec<(String, String)> {
        let table = "\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n";
        vec![
            resource("gadget", &format!("{table}{rows}")),
            enums(enum_tables),
        ]
    }

    #[test]
    fn listed_values_are_an_enums_members() {
        let pages = pages(
            "| state | String | Possible values are: `on`, `off`. |\n",
            "\n### widgetState values\n\n| Member |\n|:---|\n| on |\n| off |\n",
        );
        insta::assert_snapshot!(check("possible values", &pages), @r#"
            ~ types[microsoft.graph.gadget].properties[state].type: "String" => "enum microsoft.graph.widgetState"
            + diagnostic resources/gadget.md:14:3: note[D2R315 string-is-enum]: `state` of `microsoft.graph.gadget` is documented as String, but its possible values are the members of `microsoft.graph.widgetState`; typed as that enum
            "#);
    }

    #[test]
    fn untagged_values_and_a_tie() {
        // `mode` lists its values untagged and the enum has one member more; `kind`'s values
        // are the members of two enums alike, so it stays a String.
        let pages = pages(
            "| mode | String | Possible values are: fast, slow or idle. |\n\
             | kind | String | Possible values are: `a`, `b`. |\n",
            "\n### gadgetMode values\n\n| Member |\n|:---|\n| fast |\n| slow |\n| idle |\n\
             | unknownFutureValue |\n\n### kindOne values\n\n| Member |\n|:---|\n| a |\n| b |\n\n\
             ### kindTwo values\n\n| Member |\n|:---|\n| a |\n| b |\n",
        );
        insta::assert_snapshot!(check("possible values", &pages), @r#"
            ~ types[microsoft.graph.gadget].properties[mode].type: "String" => "enum microsoft.graph.gadgetMode"
            + diagnostic resources/gadget.md:14:3: note[D2R315 string-is-enum]: `mode` of `microsoft.graph.gadget` is documented as String, but its possible values are the members of `microsoft.graph.gadgetMode`; typed as that enum
            "#);
    }
}

mod collect_operations {
    use super::{api, check, widget};

    #[test]
    fn an_api_page_with_an_example() {
        let page = api(
            "widget-get",
            "Get widget",
            r#"
## HTTP request

<!-- { "blockType": "ignored" } -->
```http
GET /widgets/{id}
```

## Optional query parameters

This method supports the `$select` OData query parameter.

## Response

If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.

## Example

### Request

<!-- { "blockType": "request", "name": "get_widget" } -->
```http
GET https://graph.microsoft.com/v1.0/widgets/w1
```

### Response

<!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{ "id": "w1", "displayName": "First" }
```
"#,
        );
        insta::assert_snapshot!(check("examples, operations", &[widget(), page]), @r#"
            + examples:
                [
                  {
                    "kind": "request",
                    "loc": "api/widget-get.md:32:1",
                    "name": "get_widget",
                    "operation": "api/widget-get.md",
                    "request_line": ["GET","https://graph.microsoft.com/v1.0/widgets/w1"],
                    "request_loc": "api/widget-get.md:31:1"
                  },
                  {
                    "body": {"displayName":"First","id":"w1"},
                    "kind": "response",
                    "loc": "api/widget-get.md:41:1",
                    "operation": "api/widget-get.md",
                    "status": 200,
                    "type_name": "microsoft.graph.widget"
                  }
                ]
            + operations:
                [
                  {
                    "area": "general",
                    "id": "api/widget-get.md",
                    "loc": "api/widget-get.md:6:1",
                    "method": "GET",
                    "name": "Get widget",
                    "paths": [
                      {
                        "loc": "api/widget-get.md:14:1",
                        "pieces": [{"kind":"literal","text":"/widgets/"},{"kind":"param","name":"id"}],
                        "raw": "/widgets/{id}"
                      }
                    ],
                    "query": ["$select"],
                    "response": {"status":200,"statuses":[200],"type":"complex microsoft.graph.widget"}
                  }
                ]
            "#);
    }

    #[test]
    fn an_unclosed_brace_and_an_open_call() {
        let page = api(
            "widget-parts",
            "List parts",
            r#"
## HTTP request

<!-- { "blockType": "ignored" } -->
```http
GET /widgets/{id/parts
GET /reports/getPartCounts(period='{period}'
```
"#,
        );
        insta::assert_snapshot!(check("examples, operations", &[widget(), page]), @r#"
            + operations:
                [
                  {
                    "area": "general",
                    "id": "api/widget-parts.md",
                    "loc": "api/widget-parts.md:6:1",
                    "method": "GET",
                    "name": "List parts",
                    "paths": [
                      {
                        "loc": "api/widget-parts.md:15:1",
                        "original": "/reports/getPartCounts(period='{period}'",
                        "pieces": [
                          {"kind":"literal","text":"/reports/getPartCounts(period='"},
                          {"kind":"param","name":"period","quoted":true},
                          {"kind":"literal","text":"')"}
                        ],
                        "raw": "/reports/getPartCounts(period='{period}')"
                      }
                    ]
                  }
                ]
            + diagnostic api/widget-parts.md:14:1: warning[D2R401 path-malformed]: unclosed `{` in `/widgets/{id/parts`; path skipped
            + diagnostic api/widget-parts.md:15:1: warning[D2R412 path-repaired]: `/reports/getPartCounts(period='{period}'` read as `/reports/getPartCounts(period='{period}')`: the call's parentheses were left open
            "#);
    }
}

/// An API page `api/{file}.md` whose HTTP request section holds `lines`.
fn request_lines(file: &str, title: &str, lines: &str) -> (String, String) {
    let body = format!(
        "\n## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{lines}\n```\n"
    );
    api(file, title, &body)
}

mod repair_across {
    use super::{check, request_lines};

    #[test]
    fn a_singular_where_the_other_paths_say_the_plural() {
        let pages = [
            request_lines("widget-get", "Get widget", "GET /widgets/{id}"),
            request_lines("widget-delete", "Delete widget", "DELETE /widgets/{id}"),
            request_lines("widget-parts", "List parts", "GET /widget/{id}/parts"),
        ];
        insta::assert_snapshot!(check("repair paths", &pages), @r#"
            + operations[api/widget-parts.md].paths[0].original: "/widget/{id}/parts"
            ~ operations[api/widget-parts.md].paths[0].pieces[0].text: "/widget/" => "/widgets/"
            ~ operations[api/widget-parts.md].paths[0].raw: "/widget/{id}/parts" => "/widgets/{id}/parts"
            + diagnostic api/widget-parts.md:14:1: warning[D2R412 path-repaired]: `/widget/{id}/parts` read as `/widgets/{id}/parts`: other paths spell this segment in the plural
            "#);
    }

    #[test]
    fn an_example_value_where_a_sibling_has_a_parameter() {
        let lines = "GET /users/{id}/languages/{language-id}\nGET /groups/{id}/languages/en";
        let pages = [
            request_lines("language-get", "Get language", lines),
            request_lines(
                "me-language-get",
                "Get my language",
                "GET /me/languages/{id}",
            ),
        ];
        insta::assert_snapshot!(check("repair paths", &pages), @r#"
            + operations[api/language-get.md].paths[1].original: "/groups/{id}/languages/en"
            ~ operations[api/language-get.md].paths[1].pieces[2].text: "/languages/en" => "/languages/"
            + operations[api/language-get.md].paths[1].pieces[language-id]: {"kind":"param","name":"language-id"}
            ~ operations[api/language-get.md].paths[1].raw: "/groups/{id}/languages/en" => "/groups/{id}/languages/{language-id}"
            + diagnostic api/language-get.md:15:1: warning[D2R412 path-repaired]: `/groups/{id}/languages/en` read as `/groups/{id}/languages/{language-id}`: an example value where another path of the operation has a parameter
            "#);
    }
}

mod repair_again {
    use super::{check, get_widget_example, request_lines, widget};

    #[test]
    fn a_path_an_example_added_is_repaired_too() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/widget/w1/parts");
        let pages = [
            widget(),
            page,
            request_lines("widget-delete", "Delete widget", "DELETE /widgets/{id}"),
        ];
        insta::assert_snapshot!(check("repair paths again", &pages), @r#"
            + operations[api/widget-get.md].paths[1].original: "/widget/{widgetId}/parts"
            ~ operations[api/widget-get.md].paths[1].pieces[0].text: "/widget/" => "/widgets/"
            ~ operations[api/widget-get.md].paths[1].raw: "/widget/{widgetId}/parts" => "/widgets/{widgetId}/parts"
            + diagnostic api/widget-get.md:27:1: warning[D2R412 path-repaired]: `/widget/{widgetId}/parts` read as `/widgets/{widgetId}/parts`: other paths spell this segment in the plural
            "#);
    }
}

mod merge_operations {
    use super::{check, get_widget, resource, widget};

    #[test]
    fn two_pages_document_one_call() {
        let pages = [
            widget(),
            get_widget("widget-get"),
            get_widget("gadget-widget-get"),
        ];
        insta::assert_snapshot!(check("merge duplicate operations", &pages), @r#"
            - operations[api/gadget-widget-get.md]
            + operations[api/widget-get.md].also_documented_at: ["api/gadget-widget-get.md:6:1"]
            + diagnostic api/gadget-widget-get.md:6:1: note[D2R402 operation-duplicate]: `GET /widgets/{id}` is also documented at api/widget-get.md:6:1; merged into it (see also api/widget-get.md:6:1)
            "#);
    }

    #[test]
    fn the_pages_disagree_on_the_response() {
        let other = get_widget("gadget-get");
        let other = (
            other.0,
            other.1.replace(
                "[widget](../resources/widget.md)",
                "[gadget](../resources/gadget.md)",
            ),
        );
        let gadget = resource(
            "gadget",
            "\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n| id | String | Key. |\n",
        );
        let pages = [widget(), gadget, get_widget("widget-get"), other];
        insta::assert_snapshot!(check("merge duplicate operations", &pages), @r#"
            + operations[api/gadget-get.md].also_documented_at: ["api/widget-get.md:6:1"]
            - operations[api/widget-get.md]
            + diagnostic api/widget-get.md:6:1: note[D2R402 operation-duplicate]: `GET /widgets/{id}` is also documented at api/gadget-get.md:6:1; merged into it (see also api/gadget-get.md:6:1)
            + diagnostic api/widget-get.md:6:1: note[D2R422 operation-facts-conflict]: `GET /widgets/{id}`: this page says the response is `200 microsoft.graph.widget`, the page that owns it (`api/gadget-get.md`) says `200 microsoft.graph.gadget`; the owner's is kept, both statuses are successes (see also api/gadget-get.md:6:1)
            "#);
    }
}

/// `GET /widgets/{id}` with a request example `GET {url}`.
fn get_widget_example(url: &str) -> (String, String) {
    let page = get_widget("widget-get");
    let example = format!(
        "\n## Example\n\n### Request\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"get_widget\" }} -->\n```http\nGET {url}\n```\n"
    );
    (page.0, page.1 + &example)
}

mod example_paths {
    use super::{check, get_widget_example, widget};

    #[test]
    fn an_example_url_that_no_path_matches() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/me/widgets/w1");
        insta::assert_snapshot!(check("paths from examples", &[widget(), page]), @r#"
            + operations[api/widget-get.md].paths[1]:
                {
                  "loc": "api/widget-get.md:27:1",
                  "pieces": [{"kind":"literal","text":"/me/widgets/"},{"kind":"param","name":"widgetsId"}],
                  "raw": "/me/widgets/{widgetsId}"
                }
            + diagnostic api/widget-get.md:27:1: note[D2R408 path-from-example]: request example `GET https://graph.microsoft.com/v1.0/me/widgets/w1` matches none of the documented paths; `/me/widgets/{widgetsId}` added to the operation
            "#);
    }

    #[test]
    fn an_example_url_on_another_host_is_no_path() {
        // Beside the same example on the service host: only that one adds a path.
        let page = get_widget_example("https://downloads.contoso.com/me/widgets/w1");
        let on_host = get_widget_example("https://graph.microsoft.com/v1.0/me/widgets/w2");
        let page = (
            page.0,
            page.1 + &on_host.1[on_host.1.find("\n## Example").unwrap()..],
        );
        insta::assert_snapshot!(check("paths from examples", &[widget(), page]), @r#"
            + operations[api/widget-get.md].paths[1]:
                {
                  "loc": "api/widget-get.md:36:1",
                  "pieces": [{"kind":"literal","text":"/me/widgets/"},{"kind":"param","name":"widgetsId"}],
                  "raw": "/me/widgets/{widgetsId}"
                }
            + diagnostic api/widget-get.md:36:1: note[D2R408 path-from-example]: request example `GET https://graph.microsoft.com/v1.0/me/widgets/w2` matches none of the documented paths; `/me/widgets/{widgetsId}` added to the operation
            "#);
    }
}

mod pair_examples {
    use super::{check, get_widget_example, widget};

    #[test]
    fn an_example_fills_its_path() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/widgets/w1?$select=id");
        insta::assert_snapshot!(check("pair example calls", &[widget(), page]), @r#"
            + examples[get_widget].call: {"path":0,"query":[["$select","id"]],"values":["w1"]}
            + operations[api/widget-get.md].query: ["$select"]
            + diagnostic api/widget-get.md:28:1: note[D2R407 query-option-from-example]: query option `$select` is used by an example but not documented; added
            "#);
    }

    #[test]
    fn a_fixed_query_pair_the_example_changes() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/widgets/w1?$expand=parts");
        let page = (
            page.0,
            page.1
                .replace("GET /widgets/{id}\n", "GET /widgets/{id}?$expand=owner\n"),
        );
        insta::assert_snapshot!(check("pair example calls", &[widget(), page]), @r#"
            + examples[get_widget].call: {"path":0,"query":[["$expand","parts"]],"values":["w1"]}
            + operations[api/widget-get.md].paths[0].options: ["$expand"]
            - operations[api/widget-get.md].paths[0].query: [["$expand","owner"]]
            + operations[api/widget-get.md].query: ["$expand"]
            "#);
    }
}

mod service_root {
    use super::{check, get_widget_example, widget};

    #[test]
    fn the_root_the_examples_are_written_against() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/widgets/w1");
        insta::assert_snapshot!(check("service root", &[widget(), page]), @r#"+ service_root: "https://graph.microsoft.com/v1.0""#);
    }

    #[test]
    fn as_many_beta_examples_as_v1_is_beta() {
        let page = get_widget_example("https://graph.microsoft.com/v1.0/widgets/w1");
        let beta = get_widget_example("https://graph.microsoft.com/beta/widgets/w2");
        let page = (
            page.0,
            page.1 + &beta.1[beta.1.find("\n## Example").unwrap()..],
        );
        insta::assert_snapshot!(check("service root", &[widget(), page]), @r#"+ service_root: "https://graph.microsoft.com/beta""#);
    }
}

/// A resource page for `name` with the rows `rows` (under a Properties table head) and a
/// resource annotation with `annotation` added (`"keyProperty": "id"`, ...).
fn typed(name: &str, intro: &str, rows: &str, annotation: &str) -> (String, String) {
    let body = format!(
        "\n{intro}\n\n## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n{rows}\n\
         ## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"{annotation} }} -->\n\
         ```json\n{{}}\n```\n"
    );
    resource(name, &body)
}

/// `animal` (keyed, with an example of an `animal` collection holding `items`), `dog` (an
/// animal by its page) and `cat`, whose page says `cat_intro`.
fn zoo(items: &str, cat_intro: &str) -> Vec<(String, String)> {
    let mut animal = typed(
        "animal",
        "",
        "| id | String | Key. |\n| friend | [animal](animal.md) | A friend. |\n",
        r#", "keyProperty": "id""#,
    );
    animal.1.push_str(&format!(
        "\n<!-- {{ \"blockType\": \"example\", \"@odata.type\": \"microsoft.graph.animal\" }} -->\n```json\n{items}\n```\n"
    ));
    vec![
        animal,
        typed(
            "dog",
            "Inherits from [animal](animal.md).",
            "| barks | Boolean | Barks. |\n",
            "",
        ),
        typed("cat", cat_intro, "| purrs | Boolean | Purrs. |\n", ""),
        typed("plant", "", "| leaves | Int32 | Leaves. |\n", ""),
    ]
}

mod hierarchy_examples {
    use super::{check, zoo};

    #[test]
    fn an_example_places_a_type_below_the_expected_one() {
        let example = r##"{ "id": "a1", "friend": { "@odata.type": "#microsoft.graph.cat", "purrs": true } }"##;
        let pages = zoo(example, "");
        insta::assert_snapshot!(check("hierarchy: from examples", &pages), @r#"
            + types[microsoft.graph.cat].base: "microsoft.graph.animal"
            + types[microsoft.graph.cat].base_source: {"loc":"resources/animal.md:28:1","source":"example"}
            "#);
    }

    #[test]
    fn an_example_contradicts_the_stated_base() {
        let example = r##"{ "id": "a1", "friend": { "@odata.type": "#microsoft.graph.cat", "purrs": true } }"##;
        let pages = zoo(example, "Inherits from [plant](plant.md).");
        insta::assert_snapshot!(check("hierarchy: from examples", &pages), @"+ diagnostic resources/animal.md:28:1: note[D2R313 base-type-conflict]: an example says `microsoft.graph.cat` derives from `microsoft.graph.animal`, but its base is `microsoft.graph.plant` (the page); kept `microsoft.graph.plant` (see also resources/cat.md:10:1)");
    }
}

mod hierarchy_finish {
    use super::{check, typed};

    #[test]
    fn keyed_types_derive_from_the_root_entity() {
        let key = r#", "keyProperty": "id""#;
        let pages = [
            typed("entity", "", "| id | String | Key. |\n", key),
            typed(
                "user",
                "Inherits from [entity](entity.md).",
                "| id | String | Key. |\n| name | String | Name. |\n",
                key,
            ),
            typed(
                "widget",
                "",
                "| id | String | Key. |\n| size | Int32 | Size. |\n",
                key,
            ),
            typed(
                "gadget",
                "Inherits from [widget](widget.md).",
                "| color | String | Color. |\n",
                "",
            ),
        ];
        insta::assert_snapshot!(check("hierarchy: finish", &pages), @r#"
            ~ types[microsoft.graph.gadget].kind: "complex" => "entity"
            + types[microsoft.graph.widget].base: "microsoft.graph.entity"
            + types[microsoft.graph.widget].base_source: {"loc":"resources/widget.md:21:6","source":"keyed-entity"}
            "#);
    }

    #[test]
    fn a_base_cycle_is_broken() {
        let pages = [
            typed(
                "a",
                "",
                "| x | String | X. |\n",
                r#", "baseType": "microsoft.graph.b""#,
            ),
            typed(
                "b",
                "",
                "| y | String | Y. |\n",
                r#", "baseType": "microsoft.graph.a""#,
            ),
        ];
        insta::assert_snapshot!(check("hierarchy: finish", &pages), @r#"
            - types[microsoft.graph.a].base: "microsoft.graph.b"
            + diagnostic resources/a.md:20:6: warning[D2R312 base-type-cycle]: base types of `microsoft.graph.a` form a cycle; base dropped
            "#);
    }
}

mod widen {
    use super::{api, check, typed};

    /// `GET /widgets/{id}/owner`, documented as returning a `user`, with a response example
    /// annotated as each of `examples`; `user` derives from `directoryObject`, which
    /// derives from `entity`.
    fn pages(examples: &[&str]) -> Vec<(String, String)> {
        let mut body = "\n## HTTP request\n\n<!-- { \"blockType\": \"ignored\" } -->\n```http\n\
                        GET /widgets/{id}/owner\n```\n\n## Response\n\nIf successful, this method \
                        returns a `200 OK` response code and a [user](../resources/user.md) object \
                        in the response body.\n\n## Examples\n"
            .to_string();
        for (i, ty) in examples.iter().enumerate() {
            body.push_str(&format!(
                "\n### Request\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"get_owner_{i}\" }} -->\n\
                 ```http\nGET https://graph.microsoft.com/v1.0/widgets/w{i}/owner\n```\n\n### Response\n\n\
                 <!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.{ty}\" }} -->\n\
                 ```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{ \"id\": \"u{i}\" }}\n```\n"
            ));
        }
        let key = r#", "keyProperty": "id""#;
        let derived = |name: &str, base: &str| {
            let intro = format!("Inherits from [{base}]({}.md).", base.to_lowercase());
            typed(
                name,
                &intro,
                &format!("| {name}Name | String | Name. |\n"),
                "",
            )
        };
        vec![
            typed("entity", "", "| id | String | Key. |\n", key),
            derived("directoryObject", "entity"),
            derived("user", "directoryObject"),
            api("widget-owner", "Get owner", &body),
        ]
    }

    #[test]
    fn a_response_example_of_a_base_type() {
        let pages = pages(&["directoryObject"]);
        insta::assert_snapshot!(check("widen responses", &pages), @r#"
            ~ operations[api/widget-owner.md].response.type: "complex microsoft.graph.user" => "complex microsoft.graph.directoryObject"
            + diagnostic api/widget-owner.md:37:1: note[D2R410 response-widened]: the response example is a `microsoft.graph.directoryObject`, a base of the documented `microsoft.graph.user`; the operation returns `microsoft.graph.directoryObject`
            "#);
    }

    #[test]
    fn the_widest_of_the_examples_wins() {
        let pages = pages(&["user", "entity", "directoryObject"]);
        insta::assert_snapshot!(check("widen responses", &pages), @r#"
            ~ operations[api/widget-owner.md].response.type: "complex microsoft.graph.user" => "complex microsoft.graph.entity"
            + diagnostic api/widget-owner.md:54:1: note[D2R410 response-widened]: the response example is a `microsoft.graph.entity`, a base of the documented `microsoft.graph.user`; the operation returns `microsoft.graph.entity`
            "#);
    }
}

mod navigation {
    use super::{check, request_lines, typed, widget};

    fn pages(manager_lines: &str) -> Vec<(String, String)> {
        let key = r#", "keyProperty": "id""#;
        let returns = |ty: &str, what: &str| {
            format!(
                "\n## Response\n\nIf successful, this method returns a `200 OK` response code and {what} [{ty}](../resources/{ty}.md) object in the response body.\n"
            )
        };
        let list_users = request_lines("user-list", "List users", "GET /users");
        let list_users = (
            list_users.0,
            list_users.1.replace("object in", "objects in")
                + &returns("user", "a collection of").replace("object in", "objects in"),
        );
        let manager = request_lines("user-manager", "Get manager", manager_lines);
        let manager = (manager.0, manager.1 + &returns("directoryObject", "a"));
        vec![
            typed("directoryObject", "", "| id | String | Key. |\n", key),
            typed("user", "", "| id | String | Key. |\n", key),
            list_users,
            manager,
        ]
    }

    #[test]
    fn a_path_implies_a_navigation_property() {
        let pages = pages("GET /users/{id}/manager");
        insta::assert_snapshot!(check("navigation from paths", &pages), @r#"
            + types[microsoft.graph.user].navigation:
                [
                  {
                    "loc": "api/user-manager.md:14:1",
                    "name": "manager",
                    "type": "complex microsoft.graph.directoryObject"
                  }
                ]
            + diagnostic api/user-manager.md:14:1: note[D2R314 navigation-from-path]: `manager` of `microsoft.graph.user` is documented only by the path `GET /users/{id}/manager`; added as a navigation property
            "#);
    }

    #[test]
    fn a_path_walks_through_the_property_another_adds() {
        let mut pages = pages("GET /users/{id}/manager");
        pages.push(request_lines(
            "manager-widgets",
            "List widgets",
            "GET /users/{id}/manager/widgets",
        ));
        let list = &mut pages.last_mut().unwrap().1;
        list.push_str("\n## Response\n\nIf successful, this method returns a `200 OK` response code and a collection of [widget](../resources/widget.md) objects in the response body.\n");
        pages.push(widget());
        insta::assert_snapshot!(check("navigation from paths", &pages), @r#"
            + types[microsoft.graph.directoryObject].navigation:
                [
                  {
                    "collection": true,
                    "loc": "api/manager-widgets.md:14:1",
                    "name": "widgets",
                    "type": "complex microsoft.graph.widget"
                  }
                ]
            + types[microsoft.graph.user].navigation:
                [
                  {
                    "loc": "api/user-manager.md:14:1",
                    "name": "manager",
                    "type": "complex microsoft.graph.directoryObject"
                  }
                ]
            + diagnostic api/manager-widgets.md:14:1: note[D2R314 navigation-from-path]: `widgets` of `microsoft.graph.directoryObject` is documented only by the path `GET /users/{id}/manager/widgets`; added as a navigation property
            + diagnostic api/user-manager.md:14:1: note[D2R314 navigation-from-path]: `manager` of `microsoft.graph.user` is documented only by the path `GET /users/{id}/manager`; added as a navigation property
            "#);
    }
}

mod inherited_rows {
    use super::{check, typed};

    #[test]
    fn rows_of_every_ancestor_are_dropped() {
        let pages = [
            typed(
                "animal",
                "",
                "| id | String | Key. |\n",
                r#", "keyProperty": "id""#,
            ),
            typed(
                "dog",
                "Inherits from [animal](animal.md).",
                "| id | String | Key. |\n| barks | Boolean | Barks. |\n",
                "",
            ),
            typed(
                "puppy",
                "Inherits from [dog](dog.md).",
                "| id | String | Key. |\n| barks | Boolean | Barks. |\n| age | Int32 | Weeks. |\n",
                "",
            ),
        ];
        insta::assert_snapshot!(check("drop inherited rows", &pages), @r"
            - types[microsoft.graph.dog].properties[id]
            - types[microsoft.graph.puppy].properties[id]
            - types[microsoft.graph.puppy].properties[barks]
            ");
    }

    #[test]
    fn rows_repeated_from_the_base_are_dropped() {
        let pages = [
            typed(
                "animal",
                "",
                "| id | String | Key. |\n| name | String | Name. |\n",
                r#", "keyProperty": "id""#,
            ),
            typed(
                "dog",
                "Inherits from [animal](animal.md).",
                "| id | String | Inherited from [animal](animal.md). |\n| name | String | Inherited from [animal](animal.md). |\n| barks | Boolean | Barks. |\n",
                "",
            ),
        ];
        insta::assert_snapshot!(check("drop inherited rows", &pages), @r"
            - types[microsoft.graph.dog].properties[id]
            - types[microsoft.graph.dog].properties[name]
            ");
    }
}

mod reconcile {
    use super::{check, resource};

    /// `gadget` with its JSON representation `json` and a data example `example`.
    fn gadget(json: &str, example: &str) -> (String, String) {
        resource(
            "gadget",
            &format!(
                r#"
## Properties

| Property | Type | Description |
|:---|:---|:---|
| id | String | Key. |
| count | Int32 | A count. |
| tag | String | A tag. |

## JSON representation

<!-- {{ "blockType": "resource", "keyProperty": "id", "@odata.type": "microsoft.graph.gadget" }} -->
```json
{json}
```

## Example

<!-- {{ "blockType": "example", "@odata.type": "microsoft.graph.gadget" }} -->
```json
{example}
```
"#
            ),
        )
    }

    #[test]
    fn the_examples_and_the_json_agree_against_the_table() {
        let page = gadget(
            r#"{ "id": "String", "count": "String", "tag": "String" }"#,
            r#"{ "id": "g1", "count": "many", "tag": ["a", "b"] }"#,
        );
        insta::assert_snapshot!(check("reconcile examples", &[page]), @r#"
            ~ types[microsoft.graph.gadget].properties[count].type: "Int32" => "String"
            + types[microsoft.graph.gadget].properties[tag].collection: true
            + diagnostic resources/gadget.md:15:3: warning[D2R405 example-mismatch]: `count` of `microsoft.graph.gadget`: the examples and the JSON representation agree against the table; their type is taken (see also resources/gadget.md:29:1)
            + diagnostic resources/gadget.md:16:3: warning[D2R405 example-mismatch]: `tag` of `microsoft.graph.gadget` is documented as a single value but the examples carry an array; made a collection (see also resources/gadget.md:29:1)
            "#);
    }

    #[test]
    fn an_example_that_does_not_fit_its_model() {
        let page = gadget(
            r#"{ "id": "String", "count": 1, "tag": "String" }"#,
            r#"{ "id": 5, "count": "many" }"#,
        );
        insta::assert_snapshot!(check("reconcile examples", &[page]), @r#"
            + examples[0].mismatch: "$.count: `\"many\"` is not a valid Edm.Int32"
            + diagnostic resources/gadget.md:29:1: warning[D2R405 example-mismatch]: example does not fit its model `microsoft.graph.gadget` ($.count: `"many"` is not a valid Edm.Int32, and 1 more)
            "#);
    }
}

mod collapse {
    use super::{check, typed};

    #[test]
    fn an_undefined_name_is_reported_once() {
        let rows = "| owner | [person](person.md) | Owner. |\n| editor | person | Editor. |\n";
        let pages = [typed("gadget", "", rows, "")];
        insta::assert_snapshot!(check("one report per undefined name", &pages), @r"
            - diagnostic resources/gadget.md:16:11: warning[D2R302 type-unresolved]: type `person` is not defined in the docs; kept as raw JSON
            - diagnostic resources/gadget.md:17:12: warning[D2R302 type-unresolved]: type `person` is not defined in the docs; kept as raw JSON
            + diagnostic resources/gadget.md:16:11: warning[D2R302 type-unresolved]: type `person` is not defined in the docs; kept as raw JSON (1 more place) (see also resources/gadget.md:17:12)
            ");
    }
}

mod service_derivation {
    use super::{request_lines, service_of, typed};

    #[test]
    fn entity_sets_actions_and_functions() {
        let key = r#", "keyProperty": "id""#;
        let list = request_lines("user-list", "List users", "GET /users");
        let list = (
            list.0,
            list.1
                + "\n## Response\n\nIf successful, this method returns a `200 OK` response code and a collection of [user](../resources/user.md) objects in the response body.\n",
        );
        let pages = [
            typed("user", "", "| id | String | Key. |\n", key),
            list,
            request_lines(
                "user-revoke",
                "user: revokeSignInSessions",
                "POST /users/{id}/revokeSignInSessions",
            ),
            request_lines("user-delta", "user: delta", "GET /users/delta()"),
        ];
        insta::assert_snapshot!(service_of(&pages), @r#"
            + operations:
                [
                  {
                    "binding": {"collection":true,"ty":"microsoft.graph.user"},
                    "kind": "function",
                    "loc": "api/user-delta.md:14:1",
                    "name": "delta",
                    "namespace": "microsoft.graph",
                    "operation": "api/user-delta.md"
                  },
                  {
                    "binding": {"ty":"microsoft.graph.user"},
                    "kind": "action",
                    "loc": "api/user-revoke.md:14:1",
                    "name": "revokeSignInSessions",
                    "namespace": "microsoft.graph",
                    "operation": "api/user-revoke.md"
                  }
                ]
            + roots: [{"collection":true,"loc":"api/user-delta.md:14:1","name":"users","ty":"microsoft.graph.user"}]
            "#);
    }

    #[test]
    fn a_create_and_a_navigation_are_no_calls() {
        let key = r#", "keyProperty": "id""#;
        let returns = |ty: &str| {
            format!(
                "\n## Response\n\nIf successful, this method returns a `200 OK` response code and a [{ty}](../resources/{ty}.md) object in the response body.\n"
            )
        };
        let create = request_lines("user-post", "Create user", "POST /users");
        let create = (
            create.0,
            create.1
                + "\n## Request body\n\nIn the request body, supply a JSON representation of a [user](../resources/user.md) object.\n"
                + &returns("user"),
        );
        let manager = request_lines("user-manager", "Get manager", "GET /users/{id}/manager");
        let manager = (manager.0, manager.1 + &returns("user"));
        let list = request_lines("user-list", "List users", "GET /users");
        let list = (
            list.0,
            list.1 + &returns("user").replace("a [user]", "a collection of [user]"),
        );
        // Only the entity set: neither the create nor the navigation is an action.
        let pages = [
            typed("user", "", "| id | String | Key. |\n", key),
            create,
            list,
            manager,
        ];
        insta::assert_snapshot!(service_of(&pages), @r#"+ roots: [{"collection":true,"loc":"api/user-list.md:14:1","name":"users","ty":"microsoft.graph.user"}]"#);
    }
}
