//! Size and time bounds on hostile input (issue 11). Each case runs at size n and 4n and
//! must (a) finish the 4n run within `LIMIT` (generous: debug build, shared machine) and
//! (b) scale linearly: time(4n) / time(n) < `MAX_RATIO` (linear is about 4, quadratic 16).
//! Times are the best of a few runs. Each case prints its figures (`--nocapture`).
//!
//! - a page of 1 MB (prose, a property table, JSON): whole pipeline
//! - a table of 10,000 rows: whole pipeline
//! - JSON nested 100,000 deep, strict-looking and needing repair: the tolerant parser, the
//!   page parser (as an annotation and a code block) and the whole pipeline
//! - a request path of 10,000 segments: the path parser and the whole pipeline

use doc2rs::Config;
use doc2rs::diag::Diagnostics;
use doc2rs::ir;
use doc2rs::test_door::{jsonc, load, page};
use std::path::Path;
use std::time::{Duration, Instant};

/// The most any one 4n run may take.
const LIMIT: Duration = Duration::from_secs(20);
/// time(4n) / time(n) must stay below this.
const MAX_RATIO: f64 = 10.0;

fn best<F: FnMut()>(reps: usize, mut f: F) -> Duration {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

/// The cases run one at a time (the test harness would run them side by side on the same
/// cores and blur the times).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Times `f(n)` and `f(4n)`; asserts the bound and the ratio.
fn scales(what: &str, n: usize, mut f: impl FnMut(usize)) {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Warm up lazies (regexes, templates) so they do not count against the small run.
    f(n / 16 + 1);
    let small = best(3, || f(n));
    let large = best(2, || f(4 * n));
    // Below a millisecond, timer noise is all there is: floor the small run.
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-3);
    println!(
        "{what}: n={n} {small:.2?}, 4n={} {large:.2?}, ratio {ratio:.1} (limit {LIMIT:?}, ratio < {MAX_RATIO})",
        4 * n
    );
    assert!(
        large < LIMIT,
        "{what}: {large:?} at 4n={} is over {LIMIT:?}",
        4 * n
    );
    assert!(
        ratio < MAX_RATIO,
        "{what}: time grows faster than linearly ({small:?} -> {large:?}, ratio {ratio:.1})"
    );
}

fn pipeline(pages: &[(String, String)]) {
    let docs = load::from_texts(Path::new("docs"), pages);
    let g = Config::new().run_on(docs).expect("generation runs");
    assert!(!g.files.is_empty());
}

fn resource(name: &str, body: &str, json: &str) -> String {
    format!(
        "---\ntitle: \"{name} resource type\"\ndoc_type: resourcePageType\n---\n\n# {name} resource type\n\nNamespace: microsoft.graph\n\n{body}\n\n## JSON representation\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\", \"keyProperty\": \"id\" }} -->\n```json\n{json}\n```\n"
    )
}

fn rows(n: usize) -> String {
    let mut t = String::from(
        "## Properties\n\n| Property | Type | Description |\n|:---|:---|:---|\n|id|String|Id.|\n",
    );
    for i in 0..n {
        let ty = [
            "String",
            "Int32",
            "Boolean",
            "[widget](widget.md)",
            "String collection",
        ][i % 5];
        t.push_str(&format!("|prop{i}|{ty}|Property number {i}. Read-only.|\n"));
    }
    t
}

#[test]
fn page_of_one_megabyte() {
    // n = bytes / 4: prose paragraphs, a table and JSON in equal thirds.
    scales("1 MB page (pipeline)", 256 * 1024, |bytes| {
        let third = bytes / 3;
        let mut prose = String::new();
        while prose.len() < third {
            prose.push_str("Some prose with `code`, a [link](widget.md), **bold** and TODO.\n\n");
        }
        let mut table = rows(0);
        let mut i = 0;
        while table.len() < third {
            table.push_str(&format!("|p{}|String|Description {i}.|\n", i % 500));
            i += 1;
        }
        let mut json = String::from("{\n");
        while json.len() < third {
            json.push_str(&format!("  \"k{i}\": \"String\",\n"));
            i += 1;
        }
        json.push_str("  \"id\": \"String\"\n}");
        let text = resource("widget", &format!("{prose}\n{table}"), &json);
        assert!(text.len() >= bytes - 1024);
        pipeline(&[("resources/widget.md".into(), text)]);
    });
}

#[test]
fn table_of_ten_thousand_rows() {
    scales("table rows (pipeline)", 2_500, |n| {
        let text = resource("widget", &rows(n), "{ \"id\": \"String\" }");
        pipeline(&[("resources/widget.md".into(), text)]);
    });
}

#[test]
fn json_nested_a_hundred_thousand_deep() {
    let arrays = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    // Needs the tolerant parser: a trailing comma at the bottom.
    let repaired = |n: usize| format!("{}1,{}", "[".repeat(n), "]".repeat(n));
    let unclosed = |n: usize| "[{\"a\":".repeat(n);
    for (what, make) in [
        ("arrays", &arrays as &dyn Fn(usize) -> String),
        ("objects", &objects),
        ("repaired", &repaired),
        ("unclosed", &unclosed),
    ] {
        scales(&format!("JSON {what} (jsonc)"), 25_000, |n| {
            let text = make(n);
            // Too deep is an error (serde_json stops at 128 levels, jsonc at 256), not a
            // stack overflow.
            assert!(jsonc::parse_lenient(&text).is_err());
        });
    }
    // Below a millisecond at 25,000 in a release build: measured from 100,000 up.
    scales("JSON arrays (page parser)", 100_000, |n| {
        let deep = arrays(n);
        let text = format!(
            "<!-- {{ \"blockType\": \"resource\", \"x\": {deep} }} -->\n```json\n{deep}\n```\n"
        );
        let mut diags = Diagnostics::default();
        page::parse_page("resources/deep.md", &text, &mut diags);
    });
    scales("JSON objects (pipeline)", 25_000, |n| {
        let deep = objects(n);
        let res = resource("widget", &rows(3), &deep);
        let api = format!(
            "---\ntitle: t\ndoc_type: apiPageType\n---\n\n# Create widget\n\nNamespace: microsoft.graph\n\n## HTTP request\n\n```http\nPOST /widgets\n```\n\n## Example\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"deep\" }} -->\n```http\nPOST https://graph.microsoft.com/beta/widgets\nContent-type: application/json\n\n{deep}\n```\n\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.widget\", \"name\": \"deep\" }} -->\n```http\nHTTP/1.1 200 OK\n\n{}\n```\n",
            repaired(n)
        );
        pipeline(&[
            ("resources/widget.md".into(), res),
            ("api/widget-create.md".into(), api),
        ]);
    });
}

#[test]
fn path_of_ten_thousand_segments() {
    let path = |n: usize| {
        (0..n)
            .map(|i| {
                if i % 2 == 0 {
                    format!("/seg{i}")
                } else {
                    format!("/{{id{i}}}")
                }
            })
            .collect::<String>()
    };
    scales("path segments (path parser)", 2_500, |n| {
        let t = ir::path::parse(&path(n)).expect("parses");
        assert_eq!(t.params().count(), n / 2);
        let concrete: String = (0..n).map(|i| format!("/s{i}")).collect();
        let _ = t.match_path(&concrete);
    });
    scales("path segments (pipeline)", 2_500, |n| {
        let p = path(n);
        let api = format!(
            "---\ntitle: t\ndoc_type: apiPageType\n---\n\n# Get widget\n\nNamespace: microsoft.graph\n\n## HTTP request\n\n```http\nGET {p}\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and a [widget](widget.md) object in the response body.\n\n## Example\n\n<!-- {{ \"blockType\": \"request\", \"name\": \"get\" }} -->\n```http\nGET https://graph.microsoft.com/beta{p}\n```\n"
        );
        pipeline(&[
            (
                "resources/widget.md".into(),
                resource("widget", &rows(2), "{}"),
            ),
            ("api/widget-get.md".into(), api),
        ]);
    });
}
