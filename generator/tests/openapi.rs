//! The OpenAPI export of the repo's docs (and of the full corpus, when it is there) is read
//! back with the typed `openapiv3` crate and checked: every `$ref` resolves, operationIds are
//! there and unique, path templates and path parameters agree, and every documented
//! (operation, path) pair is either in the document or counted as dropped.

use doc2rs::Config;
use doc2rs::export::openapi::{Report, pretty, to_openapi_string, to_openapi_with_report};
use doc2rs::ir::path::{self, Piece};
use doc2rs::ir::{Body, EnumDef, EnumMember, HeaderParam, Ir, Operation, Primitive, Property};
use doc2rs::ir::{Response, TypeDef, TypeKind, TypeRef};
use openapiv3::{OpenAPI, Parameter};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn ir_of(docs: &Path) -> Ir {
    let mut config = Config::new();
    config.docs(docs);
    config.run().unwrap().ir
}

/// Every `$ref` below `v`, with its JSON pointer.
fn refs<'a>(v: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push((at.to_string(), r)),
                    _ => refs(
                        v,
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        out,
                    ),
                }
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, v)| refs(v, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// The `{name}`s of a path template, in order; `None` when the braces do not pair up.
fn template_params(path: &str) -> Option<Vec<&str>> {
    let mut out = vec![];
    for (i, part) in path.split('{').enumerate() {
        let closes = part.matches('}').count();
        match (i, closes) {
            (0, 0) => {}
            (0, _) => return None,
            (_, 1) => out.push(part.split('}').next().unwrap()),
            _ => return None,
        }
    }
    Some(out)
}

/// The path with its parameters blanked (`/a/{}/b`).
fn blank(path: &str) -> String {
    let mut out = String::new();
    for (i, part) in path.split('{').enumerate() {
        match part.split_once('}') {
            Some((_, rest)) if i > 0 => out.push_str(&format!("{{}}{rest}")),
            _ => out.push_str(part),
        }
    }
    out
}

/// The first place (a JSON pointer) where `typed`, the typed reader's view serialized again,
/// lacks or changes something of `raw`. The reader may add defaults (`style`) and leaves
/// out `required: false`.
fn lost(raw: &Value, typed: &Value, at: &str) -> Option<String> {
    let key = |k: &str| format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
    match (raw, typed) {
        (Value::Object(x), Value::Object(y)) => x.iter().find_map(|(k, v)| match y.get(k) {
            None if k == "required" && v == &Value::Bool(false) => None,
            None => Some(key(k)),
            Some(w) => lost(v, w, &key(k)),
        }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => (x.iter().zip(y))
            .enumerate()
            .find_map(|(i, (v, w))| lost(v, w, &format!("{at}/{i}"))),
        _ => (raw != typed).then(|| at.to_string()),
    }
}

/// Reads `text` back and checks it against the IR it came from and the export's report.
fn check(text: &str, ir: &Ir, report: &Report) -> Vec<String> {
    let mut errors = vec![];
    let mut err = |s: String| errors.push(s);
    let doc: OpenAPI = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("not an OpenAPI 3.0 document: {e}")],
    };
    let raw: Value = serde_json::from_str(text).unwrap();
    if doc.openapi != "3.0.3" || doc.servers.len() != 1 {
        err(format!(
            "openapi {} with {} servers",
            doc.openapi,
            doc.servers.len()
        ));
    }
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    let schemas = schemas.cloned().unwrap_or_default();
    let mut found = vec![];
    refs(&raw, "", &mut found);
    for (at, r) in &found {
        let name = r.strip_prefix("#/components/schemas/");
        if !name.is_some_and(|n| schemas.contains_key(n)) || raw.pointer(&r[1..]).is_none() {
            err(format!("{at}: $ref {r} does not resolve"));
        }
    }
    if found.is_empty() {
        err("no $ref at all".into());
    }
    let (mut ids, mut count) = (BTreeSet::new(), 0);
    for (path, method, op) in doc.operations() {
        count += 1;
        let at = format!("{} {path}", method.to_uppercase());
        match &op.operation_id {
            Some(id) if ids.insert(id.clone()) => {}
            other => err(format!("{at}: operationId {other:?} missing or repeated")),
        }
        let Some(in_path) = template_params(path) else {
            err(format!("{at}: unbalanced braces"));
            continue;
        };
        let wanted: BTreeSet<&str> = in_path.iter().copied().collect();
        if wanted.len() != in_path.len() || !path.starts_with('/') {
            err(format!("{at}: a parameter named twice, or no leading /"));
        }
        let (mut declared, mut seen) = (BTreeSet::new(), BTreeSet::new());
        for p in &op.parameters {
            let Some(p) = p.as_item() else {
                err(format!("{at}: a parameter by reference"));
                continue;
            };
            let d = p.parameter_data_ref();
            let place = match p {
                Parameter::Path { .. } => "path",
                Parameter::Query { .. } => "query",
                Parameter::Header { .. } => "header",
                Parameter::Cookie { .. } => "cookie",
            };
            if !seen.insert((place, d.name.as_str())) {
                err(format!("{at}: {place} parameter {} repeated", d.name));
            }
            if place == "path" {
                declared.insert(d.name.as_str());
                if !d.required {
                    err(format!("{at}: path parameter {} not required", d.name));
                }
            }
        }
        if declared != wanted {
            err(format!(
                "{at}: path parameters {declared:?}, template {wanted:?}"
            ));
        }
        let r = &op.responses;
        if r.default.is_none() || r.responses.len() != 1 {
            err(format!("{at}: responses {:?}", r.responses.keys()));
        }
    }
    let shapes: BTreeSet<String> = doc.paths.paths.keys().map(|p| blank(p)).collect();
    if shapes.len() != doc.paths.paths.len() || doc.paths.paths.len() != report.paths {
        err("paths that differ only in parameter names, or a wrong count".into());
    }
    let pairs: usize = ir.operations.iter().map(|o| o.paths.len()).sum();
    let mut distinct = BTreeSet::new();
    for op in &ir.operations {
        let method = op.method.as_str().to_lowercase();
        for t in &op.paths {
            let piece = |p: &Piece| match p {
                Piece::Literal { text } => text.clone(),
                Piece::Param { .. } => "{}".into(),
            };
            distinct.insert((
                method.clone(),
                t.pieces.iter().map(piece).collect::<String>(),
            ));
        }
    }
    let kept = pairs - report.dropped_duplicates;
    if count != report.operations || count != kept || count != distinct.len() {
        err(format!(
            "{count} operations, report {report:?}, {pairs} documented (operation, path) \
             pairs, {} distinct",
            distinct.len()
        ));
    }
    if schemas.len() != ir.types.len() + ir.enums.len() + 1 || schemas.len() != report.schemas {
        err(format!("{} schemas, report {report:?}", schemas.len()));
    }
    // the typed reader kept everything: nothing was misspelled or misplaced
    if let Some(at) = lost(&raw, &serde_json::to_value(&doc).unwrap(), "") {
        err(format!(
            "{at}: the typed read-back differs from the document"
        ));
    }
    errors
}

/// Exports `ir`, checks it, and returns the document and report.
fn valid(ir: &Ir) -> (Value, Report) {
    let (doc, report) = to_openapi_with_report(ir);
    let text = to_openapi_string(ir);
    assert_eq!(text, pretty(&doc), "deterministic");
    let errors = check(&text, ir, &report);
    let shown = errors
        .iter()
        .take(30)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    assert!(errors.is_empty(), "{} errors:\n{shown}", errors.len());
    (doc, report)
}

#[test]
fn docs_export_is_valid_openapi() {
    let ir = ir_of(&root().join("docs"));
    let (doc, report) = valid(&ir);
    assert_eq!(report.dropped_duplicates, 0, "{report:?}");
    assert_eq!(report.fallback_refs, 0, "{report:?}");
    let job = "/servicePrincipals/{id}/synchronization/jobs/{jobId}";
    let get = &doc["paths"][job]["get"];
    assert_eq!(get["operationId"], "getSynchronizationJob");
    assert_eq!(
        get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/microsoft.graph.synchronizationJob"
    );
    assert!(
        doc["paths"][job]["delete"].is_object(),
        "merged into one path item"
    );
    // the docs write `/jobs/{id}/validateCredentials` under `/servicePrincipals/{id}`
    let twice = "/servicePrincipals/{id}/synchronization/jobs/{id_2}/validateCredentials";
    assert!(doc["paths"][twice]["post"].is_object());
    let list = &doc["paths"]["/servicePrincipals/{id}/synchronization/jobs"]["get"];
    let value = &list["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
    assert_eq!(value["value"]["type"], "array");
    let job = &doc["components"]["schemas"]["microsoft.graph.synchronizationJob"];
    assert_eq!(
        job["properties"]["id"]["readOnly"], true,
        "inherited from entity"
    );
    assert_eq!(job["properties"]["schedule"]["nullable"], true);
}

/// Builds a hand-made IR from clones of the docs' own items, so that it keeps compiling as
/// the IR gains fields.
struct Maker {
    ty: TypeDef,
    en: EnumDef,
    op: Operation,
}

impl Maker {
    fn new() -> Self {
        let docs = ir_of(&root().join("docs"));
        let ty = docs.types["microsoft.graph.synchronizationJob"].clone();
        let en = docs.enums.values().find(|e| !e.members.is_empty());
        let (en, op) = (en.unwrap().clone(), docs.operations[0].clone());
        Maker { ty, en, op }
    }

    /// `name:Type`, then `*` for a collection, `!` for read-only; Type is a primitive's name,
    /// `enum:t.x`, `?x` (opaque) or else a type name.
    #[rustfmt::skip]
    fn prop(&self, spec: &str) -> Property {
        use Primitive as P;
        let (name, ty) = spec.split_once(':').unwrap();
        let bare = ty.trim_end_matches(['*', '!']);
        let mut p = self.ty.properties[0].clone();
        (p.collection, p.read_only) = (ty[bare.len()..].contains('*'), ty.ends_with('!'));
        let mut primitive = [P::String, P::Int64, P::Json, P::Byte, P::Decimal].into_iter();
        p.ty = match (primitive.find(|p| format!("{p:?}") == bare), bare.strip_prefix("enum:")) {
            (Some(primitive), _) => TypeRef::Primitive { primitive },
            (_, Some(n)) => TypeRef::Enum { name: n.into() },
            _ if bare.starts_with('?') => TypeRef::Opaque { spelling: bare.into() },
            _ => TypeRef::Complex { name: bare.into() },
        };
        (p.name, p.description, p.nullable) = (name.into(), "d".into(), Some(false));
        p
    }

    /// `name [base] | property...` (`+` for a space)
    fn add(&self, ir: &mut Ir, spec: &str) {
        let (head, props) = spec.split_once('|').unwrap();
        let mut head = head.split_whitespace().map(|n| format!("t.{n}"));
        let mut t = self.ty.clone();
        (t.name, t.base) = (head.next().unwrap().replace('+', " "), head.next());
        (t.kind, t.key, t.description) = (TypeKind::Complex, None, String::new());
        t.properties = props.split_whitespace().map(|p| self.prop(p)).collect();
        t.navigation.clear();
        ir.types.insert(t.name.clone(), t);
    }

    fn add_enum(&self, ir: &mut Ir, name: &str, flags: bool, members: &str) {
        let mut e = self.en.clone();
        let member = |m: &str| EnumMember {
            name: m.into(),
            ..e.members[0].clone()
        };
        e.members = members.split(' ').map(member).collect();
        (e.name, e.flags, e.description) = (format!("t.{name}"), flags, String::new());
        ir.enums.insert(e.name.clone(), e);
    }

    /// `name METHOD path...` (`+` for a space); the response is `t.job`, a collection after `*`.
    fn op(&self, spec: &str) -> Operation {
        let mut w = spec.split(' ');
        let mut o = self.op.clone();
        (o.id, o.method) = (
            w.next().unwrap().into(),
            doc2rs::ir::Method::parse(w.next().unwrap()).unwrap(),
        );
        (o.name, o.description) = (o.id.replace('_', " ").replace('*', ""), String::new());
        o.paths = w
            .map(|p| path::parse(&p.replace('+', " ")).unwrap())
            .collect();
        (o.query, o.headers, o.body) = (vec![], vec![], None);
        let ty = Some(TypeRef::Complex {
            name: "t.job".into(),
        });
        o.response = Response {
            status: None,
            ty,
            collection: o.id.ends_with('*'),
            ..Response::default()
        };
        o
    }
}

/// A hand-made IR with what the exporter decides on: repeated parameter names, paths equal
/// but for names, fixed query pairs, a repeated method, names to sanitize,
/// undefined and opaque types, a flags enum.
#[test]
#[rustfmt::skip]
fn irregular_ir_exports_valid_openapi() {
    let (m, mut ir) = (Maker::new(), Ir::default());
    m.add(&mut ir, "base | id:String! @odata.type:String");
    m.add(&mut ir, "bad+name |");
    m.add(&mut ir, "job base | b:Byte d:Decimal s:enum:t.state k:enum:t.kind* j:Json x:?I no:t.no");
    m.add_enum(&mut ir, "state", false, "a b a");
    m.add_enum(&mut ir, "kind", true, "x y.z");
    let mut ops = ["Get_job GET /jobs/{id} /sp/{id}/jobs/{id}",
        "List_jobs* GET /jobs/{jobId}?$expand=x /jobs", "Get_job GET /jobs/{x} /o?$filter=a /o",
        "Update_job PATCH /jobs/{jobId}", "run_it POST /t/{tenant+id}"]
        .map(|o| m.op(o));
    ops[1].query = ["$top", "$select", "$top"].map(String::from).into();
    ops[3].response = Response::default();
    ops[3].headers = vec![HeaderParam { name: "If-Match".into(), required: true,
        description: "e".into() }];
    ops[3].body = Some(Body::Type { ty: TypeRef::Complex { name: "t.job".into() },
        collection: true });
    let properties = vec![m.prop("x:Int64"), m.prop("x:String")];
    ops[4].body = Some(Body::Parameters { properties });
    ops[4].response = Response { status: Some(202), ..Response::default() };
    ir.operations = ops.into();

    let (doc, r) = valid(&ir);
    let want = "Report { paths: 5, operations: 6, schemas: 6, dropped_duplicates: 3, \
                renamed: 2, fallback_refs: 1 }";
    assert_eq!(format!("{r:?}"), want);
    let (paths, schemas) = (&doc["paths"], &doc["components"]["schemas"]);
    // the first path of the first "Get job" names `/jobs/{id}`; plain paths win over `?$filter`
    let id = |p: &str, m: &str| paths[p][m]["operationId"].as_str().unwrap_or("?");
    let ids = [id("/jobs/{id}", "get"), id("/sp/{id}/jobs/{id_2}", "get"), id("/o", "get"),
        id("/jobs/{id}", "patch"), id("/t/{tenant_id}", "post"), id("/jobs", "get")];
    assert_eq!(ids, ["getJob", "getJob_2", "getJob_3", "updateJob", "runIt", "listJobs"]);
    let string = json!({"type": "string"});
    let path = |n: &str| json!({"name": n, "in": "path", "required": true, "schema": string});
    let twice = &paths["/sp/{id}/jobs/{id_2}"]["get"]["parameters"];
    assert_eq!(twice, &json!([path("id"), path("id_2")]));
    let list = &paths["/jobs"]["get"];
    let query = json!({"name": "$select", "in": "query", "required": false, "schema": string});
    assert_eq!(list["parameters"][0]["schema"]["type"], "integer");
    assert_eq!(list["parameters"][1], query, "the second `$top` left out");
    let json = |o: &Value, at: &str| o[at]["content"]["application/json"]["schema"].clone();
    let job = json!({"$ref": "#/components/schemas/t.job"});
    assert_eq!(json(&list["responses"], "200")["properties"]["value"]["items"], job);
    let update = &paths["/jobs/{id}"]["patch"];
    assert_eq!(json(update, "requestBody")["items"], job);
    let header = json!({"name": "If-Match", "in": "header", "required": true, "schema": string,
        "description": "e"});
    assert_eq!(update["parameters"][1], header);
    let run = &paths["/t/{tenant_id}"]["post"];
    assert_eq!(json(run, "requestBody")["properties"]["x"]["type"], "integer");
    assert_eq!(run["responses"]["202"], json!({"description": "Success"}));

    let props = schemas["t.job"]["properties"].as_object().unwrap();
    let names: Vec<&String> = props.keys().collect();
    assert_eq!(names, ["b", "d", "id", "j", "k", "no", "s", "x"], "flattened");
    let id = json!({"type": "string", "nullable": true, "readOnly": true, "description": "d"});
    let d = json!({"type": "number", "format": "double", "nullable": true, "description": "d"});
    assert_eq!((&props["id"], &props["d"], &props["b"]["format"]), (&id, &d, &json!("uint8")));
    assert_eq!(props["s"]["allOf"], json!([{"$ref": "#/components/schemas/t.state"}]));
    assert_eq!(props["k"]["items"], json!({"$ref": "#/components/schemas/t.kind"}));
    let any = json!({"nullable": true, "description": "d"});
    assert!([&props["j"], &props["x"], &props["no"]].iter().all(|p| **p == any));
    assert_eq!(schemas["t.state"], json!({"type": "string", "enum": ["a", "b"]}));
    assert_eq!(schemas["t.kind"]["pattern"], r"^(x|y\.z)(,\s*(x|y\.z))*$");
    assert_eq!(schemas["t.bad_name"], json!({"type": "object"}));
}

/// The full corpus, when it is there (required in CI).
#[test]
fn corpus_export_is_valid_openapi() {
    let corpus = root().join("../shared/corpus/graph-docs-beta-2021-07");
    if !corpus.is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("corpus missing: {}", corpus.display());
        }
        eprintln!(
            "notice: {} not found; corpus test skipped",
            corpus.display()
        );
        return;
    }
    let start = Instant::now();
    let ir = ir_of(&corpus);
    let (_, report) = valid(&ir);
    eprintln!("corpus: {report:?} in {:.1?}", start.elapsed());
    assert!(
        report.operations > 5000 && report.schemas > 3000,
        "{report:?}"
    );
}

/// The checks are not vacuous: each breakage of a valid document is caught.
#[test]
fn checker_catches_violations() {
    let ir = ir_of(&root().join("docs"));
    let (_, report) = to_openapi_with_report(&ir);
    let text = to_openapi_string(&ir);
    for (from, to) in [
        ("\"openapi\": \"3.0.3\"", "\"openapi\": 3"),
        (
            "schemas/microsoft.graph.synchronizationJob\"",
            "schemas/microsoft.graph.nothing\"",
        ),
        ("\"getSynchronizationJob\"", "\"createSynchronizationJob\""),
        ("\"operationId\": \"getSynchronizationJob\",", ""),
        ("\"name\": \"jobId\"", "\"name\": \"jobID\""),
        ("\"in\": \"path\"", "\"in\": \"query\""),
        ("jobs/{jobId}/pause", "jobs/{jobId/pause"),
        ("jobs/{jobId}/pause", "jobs/{id}/pause"),
        ("jobs/{jobId}/pause", "jobs/{jobId2}/pause"),
        ("\"description\": \"Error\"", "\"descriptio\": \"Error\""),
    ] {
        assert!(text.contains(from), "{from}");
        let broken = text.replacen(from, to, 1);
        assert!(
            !check(&broken, &ir, &report).is_empty(),
            "not caught: {from} -> {to}"
        );
    }
    // the last operation's `default` response becomes a second status
    let i = text.rfind("\"default\": {").unwrap();
    let broken = format!("{}\"204\"{}", &text[..i], &text[i + 9..]);
    assert!(
        !check(&broken, &ir, &report).is_empty(),
        "a missing default"
    );
    let fewer = Report {
        dropped_duplicates: 1,
        ..report
    };
    assert!(
        !check(&text, &ir, &fewer).is_empty(),
        "an uncounted operation"
    );
}

#[test]
fn cli_exports_openapi() {
    let bin = env!("CARGO_BIN_EXE_doc2rs");
    let docs = root().join("docs");
    let out = Command::new(bin)
        .args(["export", "--format", "openapi", "--docs"])
        .arg(&docs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text, to_openapi_string(&ir_of(&docs)));
    assert!(String::from_utf8_lossy(&out.stderr).contains("openapi: Report {"));
}
