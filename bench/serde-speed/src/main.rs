//! Run-time speed of the generated models: the SDK generated from the corpus (doc2rs, every
//! struct a `runtime::Model`) against the naive serde-derive crate of the same IR
//! (`doc2rs baseline`), deserializing and serializing the same payloads in one run, with
//! `serde::de::IgnoredAny` and `serde_json::Value` as floors. `bench/serde.sh` builds and
//! runs it. Payloads are made here, deterministically (a fixed-seed generator), so every
//! run reads the same bytes.
//!
//! Figures: best of `SAMPLES` samples (env, default 15), each sample enough iterations for
//! about 40 ms; MB/s of the payload's compact JSON (10^6 bytes), in both directions;
//! allocations per operation counted by the global allocator below (allocations and
//! reallocations; a deserialization's result is dropped outside the clock, a serialization
//! writes into a reused buffer).

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::{Value, json};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use graph_docs_generated::graph as sdk;
use graph_docs_generated::runtime::Collection;
use naive_baseline::graph as naive;

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A page as a derive user would write it (no catch-all map: the page level is one object).
#[derive(serde::Serialize, serde::Deserialize)]
struct Page<T> {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    context: Option<String>,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    next_link: Option<String>,
    value: Vec<T>,
}

/// A directory object as a derive user would read a polymorphic value: internally tagged by
/// `@odata.type`.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "@odata.type")]
#[allow(clippy::large_enum_variant)]
enum DirectoryObject {
    #[serde(rename = "#microsoft.graph.user")]
    User(naive::User),
    #[serde(rename = "#microsoft.graph.group")]
    Group(naive::Group),
    #[serde(rename = "#microsoft.graph.device")]
    Device(naive::Device),
    #[serde(rename = "#microsoft.graph.servicePrincipal")]
    ServicePrincipal(naive::ServicePrincipal),
}

// ---------------------------------------------------------------------------------------
// Payloads

/// xorshift64*: a fixed seed, so the payloads are the same bytes on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
    fn date(&mut self) -> String {
        format!(
            "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            15 + self.below(7),
            1 + self.below(12),
            1 + self.below(28),
            self.below(24),
            self.below(60),
            self.below(60)
        )
    }
    fn phone(&mut self) -> String {
        format!("+1 425 555 {:04}", self.below(10_000))
    }
    fn base64(&mut self, len: usize) -> String {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..len).map(|_| *self.pick(B64) as char).collect()
    }
}

const FIRST: &[&str] = &[
    "Adele",
    "Alex",
    "Allan",
    "Christie",
    "Debra",
    "Diego",
    "Emily",
    "Enrico",
    "Grady",
    "Henrietta",
    "Irvin",
    "Isaiah",
    "Johanna",
    "Joni",
    "Lee",
    "Lidia",
    "Lynne",
    "Megan",
    "Miriam",
    "Nestor",
    "Patti",
    "Pradeep",
    "Raul",
    "Zrinka",
];
const LAST: &[&str] = &[
    "Vance",
    "Wilber",
    "Deyoung",
    "Cline",
    "Berg",
    "Siciliani",
    "Braun",
    "Groth",
    "Archie",
    "Mueller",
    "Sink",
    "Langer",
    "Lauer",
    "Sherman",
    "Gu",
    "Holloway",
    "Robbins",
    "Bowen",
    "Graham",
    "Wilke",
    "Fernandez",
    "Gupta",
    "Razo",
    "Makovac",
];
const DEPARTMENTS: &[&str] = &[
    "Retail",
    "Sales & Marketing",
    "Operations",
    "Executive Management",
    "Finance",
    "Legal",
    "Research & Development",
    "Human Resources",
    "IT",
];
const TITLES: &[&str] = &[
    "Retail Manager",
    "Marketing Assistant",
    "Product Manager",
    "President",
    "Director",
    "Attorney",
    "Accountant",
    "Designer",
    "Engineer",
    "Senior Engineer",
    "CVP Finance",
];
const PLACES: &[(&str, &str, &str, &str, &str)] = &[
    ("Bellevue", "WA", "United States", "US", "98004"),
    ("Redmond", "WA", "United States", "US", "98052"),
    ("Seattle", "WA", "United States", "US", "98109"),
    ("Birmingham", "AL", "United States", "US", "35243"),
    ("Tulsa", "OK", "United States", "US", "74133"),
    ("Louisville", "KY", "United States", "US", "40223"),
    ("Waukesha", "WI", "United States", "US", "53188"),
];

fn user(r: &mut Rng, i: usize) -> Value {
    let first = *r.pick(FIRST);
    let last = *r.pick(LAST);
    let nick = format!("{first}{}{i}", &last[..1]);
    let upn = format!("{nick}@contoso.onmicrosoft.com");
    let (city, state, country, usage, zip) = *r.pick(PLACES);
    let licenses: Vec<Value> = (0..1 + r.below(3))
        .map(|_| {
            let disabled: Vec<String> = (0..r.below(3)).map(|_| r.guid()).collect();
            json!({"disabledPlans": disabled, "skuId": r.guid()})
        })
        .collect();
    let mut u = json!({
        "id": r.guid(),
        "accountEnabled": !r.chance(5),
        "businessPhones": [r.phone()],
        "city": city,
        "companyName": "Contoso",
        "country": country,
        "createdDateTime": r.date(),
        "department": *r.pick(DEPARTMENTS),
        "displayName": format!("{first} {last}"),
        "givenName": first,
        "surname": last,
        "jobTitle": *r.pick(TITLES),
        "mail": upn,
        "mailNickname": nick,
        "mobilePhone": if r.chance(50) { Value::from(r.phone()) } else { Value::Null },
        "officeLocation": format!("{}/{}", r.below(40), 1000 + r.below(2000)),
        "postalCode": zip,
        "preferredLanguage": "en-US",
        "state": state,
        "streetAddress": format!("{} NE {}th St", 100 + r.below(9000), 1 + r.below(150)),
        "usageLocation": usage,
        "userPrincipalName": upn,
        "userType": "Member",
        "employeeId": format!("{:06}", r.below(1_000_000)),
        "lastPasswordChangeDateTime": r.date(),
        "onPremisesSyncEnabled": null,
        "proxyAddresses": [format!("SMTP:{upn}"), format!("smtp:{nick}@contoso.com")],
        "imAddresses": [format!("sip:{}", upn.to_lowercase())],
        "otherMails": [],
        "passwordProfile": {"forceChangePasswordNextSignIn": r.chance(10), "password": null},
        "assignedLicenses": licenses,
        "identities": [{"signInType": "userPrincipalName", "issuer": "contoso.onmicrosoft.com", "issuerAssignedId": upn}],
        "employeeOrgData": {"division": *r.pick(DEPARTMENTS), "costCenter": format!("CC-{}", r.below(100))},
        // Properties the docs of 2021-07 do not describe: kept in `additional_properties`.
        "securityIdentifier": format!("S-1-12-1-{}-{}-{}-{}", r.next() >> 33, r.next() >> 33, r.next() >> 33, r.next() >> 33),
        "extension_9d4bd26c12a84e4b_employeeNumber": format!("E{:05}", r.below(100_000)),
        "onPremisesSipInfo": {"isSipEnabled": false, "sipDeploymentLocation": null, "sipPrimaryAddress": null},
    });
    if r.chance(30) {
        u["ageGroup"] = json!("adult");
    }
    u
}

fn group(r: &mut Rng, i: usize) -> Value {
    let dept = *r.pick(DEPARTMENTS);
    let nick = format!("{}{i}", dept.replace([' ', '&'], ""));
    let unified = r.chance(70);
    json!({
        "@odata.type": "#microsoft.graph.group",
        "id": r.guid(),
        "createdDateTime": r.date(),
        "description": format!("{dept} team: planning, reviews and everything the {dept} people share."),
        "displayName": format!("{dept} {i}"),
        "groupTypes": if unified { json!(["Unified"]) } else { json!([]) },
        "isAssignableToRole": false,
        "mail": format!("{nick}@contoso.onmicrosoft.com"),
        "mailEnabled": unified,
        "mailNickname": nick,
        "onPremisesSyncEnabled": null,
        "proxyAddresses": [format!("SMTP:{nick}@contoso.onmicrosoft.com")],
        "renewedDateTime": r.date(),
        "resourceProvisioningOptions": if r.chance(50) { json!(["Team"]) } else { json!([]) },
        "securityEnabled": !unified,
        "securityIdentifier": format!("S-1-12-1-{}-{}", r.next() >> 33, r.next() >> 33),
        "visibility": if r.chance(60) { "Public" } else { "Private" },
        "classification": null,
        "expirationDateTime": null,
    })
}

fn device(r: &mut Rng, i: usize) -> Value {
    let windows = r.chance(60);
    json!({
        "@odata.type": "#microsoft.graph.device",
        "id": r.guid(),
        "accountEnabled": true,
        "approximateLastSignInDateTime": r.date(),
        "deviceId": r.guid(),
        "displayName": format!("{}-{i:05}", if windows { "DESKTOP" } else { "iPhone" }),
        "isCompliant": r.chance(80),
        "isManaged": r.chance(90),
        "manufacturer": if windows { "Microsoft Corporation" } else { "Apple" },
        "model": if windows { "Surface Laptop 4" } else { "iPhone 12" },
        "operatingSystem": if windows { "Windows" } else { "iOS" },
        "operatingSystemVersion": if windows { "10.0.19043.1110" } else { "14.6" },
        "physicalIds": [format!("[USER-GID]:{}:{}", r.guid(), r.below(1 << 30)), format!("[GID]:g:{}", r.below(1 << 30))],
        "registrationDateTime": r.date(),
        "systemLabels": [],
        "trustType": if windows { "AzureAd" } else { "Workplace" },
        "alternativeSecurityIds": [{"type": 2, "identityProvider": null, "key": r.base64(60)}],
        "extensionAttributes": {"extensionAttribute1": null, "extensionAttribute2": "kiosk"},
    })
}

fn service_principal(r: &mut Rng, i: usize) -> Value {
    let app = r.guid();
    json!({
        "@odata.type": "#microsoft.graph.servicePrincipal",
        "id": r.guid(),
        "accountEnabled": true,
        "appDisplayName": format!("Contoso App {i}"),
        "appId": app,
        "appOwnerOrganizationId": r.guid(),
        "appRoleAssignmentRequired": r.chance(30),
        "displayName": format!("Contoso App {i}"),
        "servicePrincipalNames": [app, format!("https://contoso.com/app{i}")],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        "replyUrls": [format!("https://app{i}.contoso.com/signin-oidc")],
        "keyCredentials": [],
        "passwordCredentials": [],
        "appRoles": [{
            "allowedMemberTypes": ["User"],
            "description": "Readers can read the catalog.",
            "displayName": "Reader",
            "id": r.guid(),
            "isEnabled": true,
            "origin": "Application",
            "value": "Catalog.Read",
        }],
        "info": {"logoUrl": null, "marketingUrl": null, "privacyStatementUrl": format!("https://contoso.com/app{i}/privacy"), "supportUrl": null, "termsOfServiceUrl": null},
    })
}

fn directory_object(r: &mut Rng, i: usize) -> Value {
    match r.below(20) {
        0..=9 => {
            let mut u = user(r, i);
            u["@odata.type"] = json!("#microsoft.graph.user");
            u
        }
        10..=14 => group(r, i),
        15..=17 => device(r, i),
        _ => service_principal(r, i),
    }
}

const WORDS: &[&str] = &[
    "the",
    "quarterly",
    "review",
    "is",
    "scheduled",
    "for",
    "next",
    "week",
    "please",
    "bring",
    "your",
    "numbers",
    "and",
    "a",
    "short",
    "summary",
    "of",
    "what",
    "changed",
    "since",
    "last",
    "meeting",
    "we",
    "will",
    "also",
    "discuss",
    "budget",
    "hiring",
    "roadmap",
    "customers",
];

/// An Outlook-style HTML body of a few KB.
fn html_body(r: &mut Rng) -> String {
    let mut html = String::from(
        "<html><head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n\
         <style type=\"text/css\" style=\"display:none\">\r\n<!--\r\np\r\n\t{margin-top:0;\r\n\tmargin-bottom:0}\r\n-->\r\n\
         </style></head><body dir=\"ltr\">\r\n",
    );
    for _ in 0..8 + r.below(8) {
        html.push_str("<div style=\"font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);\">\r\n");
        for _ in 0..30 + r.below(30) {
            html.push_str(*r.pick(WORDS));
            html.push(' ');
        }
        html.push_str("<a href=\"https://contoso.sharepoint.com/sites/Finance/Shared%20Documents/Q3.xlsx?web=1\">Q3.xlsx</a>\r\n</div>\r\n");
    }
    html.push_str("</body></html>\r\n");
    html
}

fn recipient(r: &mut Rng) -> Value {
    let first = *r.pick(FIRST);
    let last = *r.pick(LAST);
    json!({"emailAddress": {"name": format!("{first} {last}"), "address": format!("{first}{}@contoso.onmicrosoft.com", &last[..1])}})
}

fn message(r: &mut Rng) -> Value {
    let id = format!(
        "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAA{}=",
        r.base64(12)
    );
    let from = recipient(r);
    let to: Vec<Value> = (0..1 + r.below(4)).map(|_| recipient(r)).collect();
    let cc: Vec<Value> = (0..r.below(3)).map(|_| recipient(r)).collect();
    let body = html_body(r);
    let preview: String = body.chars().skip(250).take(255).collect();
    json!({
        "@odata.etag": format!("W/\"CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAA{}\"", r.base64(8)),
        "id": id,
        "createdDateTime": r.date(),
        "lastModifiedDateTime": r.date(),
        "changeKey": format!("CQAAABYAAAAiIsqMbYjsT5e/T7KzowPTAAA{}", r.base64(8)),
        "categories": [],
        "receivedDateTime": r.date(),
        "sentDateTime": r.date(),
        "hasAttachments": r.chance(20),
        "internetMessageId": format!("<{}@contoso.onmicrosoft.com>", r.base64(40).replace('/', "x")),
        "subject": format!("Re: {} {} {}", r.pick(WORDS), r.pick(WORDS), r.pick(WORDS)),
        "bodyPreview": preview,
        "importance": "normal",
        "parentFolderId": "AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OAAuAAAAAAAiQ8W967B7TKBjgx9rVEURAQAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAA=",
        "conversationId": format!("AAQkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OAAQ{}=", r.base64(20)),
        "conversationIndex": r.base64(44),
        "isDeliveryReceiptRequested": false,
        "isReadReceiptRequested": false,
        "isRead": r.chance(70),
        "isDraft": false,
        "webLink": format!("https://outlook.office365.com/owa/?ItemID={}&exvsurl=1&viewmodel=ReadMessageItem", r.base64(60)),
        "inferenceClassification": "focused",
        "body": {"contentType": "html", "content": body},
        "sender": from.clone(),
        "from": from,
        "toRecipients": to,
        "ccRecipients": cc,
        "bccRecipients": [],
        "replyTo": [],
        "flag": {"flagStatus": "notFlagged"},
    })
}

fn page(context: &str, items: Vec<Value>) -> Vec<u8> {
    let page = json!({
        "@odata.context": format!("https://graph.microsoft.com/beta/$metadata#{context}"),
        "@odata.nextLink": format!("https://graph.microsoft.com/beta/{context}?$skiptoken=RFNwdAIAAQAAABc6"),
        "value": items,
    });
    serde_json::to_vec(&page).unwrap()
}

// ---------------------------------------------------------------------------------------
// Measuring

fn samples() -> usize {
    std::env::var("SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

/// One contender of a figure: an operation timed `iterations` times per sample; what it
/// returns is kept and dropped outside the clock.
trait Sample {
    fn sample(&mut self) -> Duration;
    fn allocations(&mut self) -> u64;
}

struct Timed<T, F> {
    op: F,
    iterations: usize,
    kept: Vec<T>,
}

impl<T, F: FnMut() -> T> Sample for Timed<T, F> {
    fn sample(&mut self) -> Duration {
        let start = Instant::now();
        for _ in 0..self.iterations {
            self.kept.push(black_box((self.op)()));
        }
        let time = start.elapsed() / self.iterations as u32;
        self.kept.clear();
        time
    }

    /// Allocations (and reallocations) of one call.
    fn allocations(&mut self) -> u64 {
        let before = ALLOCATIONS.load(Relaxed);
        let made = (self.op)();
        let after = ALLOCATIONS.load(Relaxed);
        drop(made);
        after - before
    }
}

/// `op` as a contender, with enough iterations per sample for about 40 ms.
fn timed<'a, T: 'a>(mut op: impl FnMut() -> T + 'a) -> Box<dyn Sample + 'a> {
    drop(op());
    let start = Instant::now();
    drop(black_box(op()));
    let one = start.elapsed().max(Duration::from_micros(1));
    let iterations = (Duration::from_millis(40).as_secs_f64() / one.as_secs_f64()).ceil() as usize;
    let iterations = iterations.clamp(1, 1000);
    Box::new(Timed {
        op,
        iterations,
        kept: Vec::with_capacity(iterations),
    })
}

/// The best time of each contender, sampled in turn (so a busy moment of the machine falls
/// on all of them alike), and its allocations per call. Each round starts one contender
/// later, so that each follows each of the others as often: what one leaves in the
/// allocator (thousands of freed blocks of its sizes, or a heap given back to the system)
/// changes what the next one's allocations cost.
fn measure(mut contenders: Vec<Box<dyn Sample + '_>>) -> Vec<Figure> {
    let n = contenders.len();
    let mut best = vec![Duration::MAX; n];
    for round in 0..samples() {
        for c in (0..n).map(|i| (round + i) % n) {
            best[c] = best[c].min(contenders[c].sample());
        }
    }
    contenders
        .iter_mut()
        .zip(best)
        .map(|(c, best)| Figure {
            secs: best.as_secs_f64(),
            allocations: c.allocations(),
        })
        .collect()
}

struct Figure {
    secs: f64,
    allocations: u64,
}

fn de<'a, T: DeserializeOwned + 'a>(bytes: &'a [u8]) -> Box<dyn Sample + 'a> {
    timed(move || serde_json::from_slice::<T>(bytes).unwrap())
}

fn ser<'a, T: Serialize>(value: &'a T, capacity: usize) -> Box<dyn Sample + 'a> {
    let mut buffer = Vec::with_capacity(capacity * 2);
    timed(move || {
        buffer.clear();
        serde_json::to_writer(&mut buffer, value).unwrap();
        buffer.len()
    })
}

/// The first place where `a` and `b` differ.
fn difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => {
                        if let Some(found) = difference(p, q, format!("{at}/{k}")) {
                            return Some(found);
                        }
                    }
                    (p, q) => return Some(format!("{at}/{k}: {p:?} / {q:?}")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| difference(p, q, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} / {b}")),
    }
}

struct Payload {
    name: &'static str,
    bytes: Vec<u8>,
}

/// `PROFILE=payload:op:who` (e.g. `users:ser:doc2rs`): that operation alone, in a loop for
/// 10 s, for a profiler.
fn profile<S, N>(payload: &Payload, what: &str) -> bool
where
    S: Serialize + DeserializeOwned,
    N: Serialize + DeserializeOwned,
{
    let mut parts = what.split(':');
    if parts.next() != payload.name.split(' ').next() {
        return false;
    }
    let bytes = &payload.bytes[..];
    let (ours, theirs): (S, N) = (
        serde_json::from_slice(bytes).unwrap(),
        serde_json::from_slice(bytes).unwrap(),
    );
    let mut op = match (parts.next(), parts.next()) {
        (Some("de"), Some("doc2rs")) => de::<S>(bytes),
        (Some("de"), Some("derive")) => de::<N>(bytes),
        (Some("ser"), Some("doc2rs")) => ser(&ours, bytes.len()),
        (Some("ser"), Some("derive")) => ser(&theirs, bytes.len()),
        _ => panic!("PROFILE=payload:de|ser:doc2rs|derive"),
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        op.sample();
    }
    true
}

/// One payload: both directions with doc2rs (`S`), derive (`N`) and the floors.
fn run<S, N>(payload: &Payload, rows: &mut Vec<String>, ratios: &mut Vec<(String, f64)>)
where
    S: Serialize + DeserializeOwned,
    N: Serialize + DeserializeOwned,
{
    if let Ok(what) = std::env::var("PROFILE") {
        if profile::<S, N>(payload, &what) {
            std::process::exit(0);
        }
        return;
    }
    let bytes = &payload.bytes[..];
    // Both read it, and write back the same JSON.
    let ours: S = serde_json::from_slice(bytes).expect("doc2rs reads the payload");
    let theirs: N = serde_json::from_slice(bytes).expect("derive reads the payload");
    let (a, b) = (
        serde_json::to_value(&ours).unwrap(),
        serde_json::to_value(&theirs).unwrap(),
    );
    if let Some(path) = difference(&a, &b, String::new()) {
        panic!(
            "{}: doc2rs and derive write different JSON at {path}",
            payload.name
        );
    }
    // The bytes the serde_json writer writes (its own path, not `to_value`'s) say the same.
    let written: Value = serde_json::from_slice(&serde_json::to_vec(&ours).unwrap()).unwrap();
    assert!(written == a, "{}: doc2rs's bytes and its value differ", payload.name);
    let again: S = serde_json::from_value(a.clone()).unwrap();
    assert!(
        serde_json::to_value(&again).unwrap() == a,
        "{}: doc2rs round trip",
        payload.name
    );
    let value: Value = serde_json::from_slice(bytes).unwrap();

    let mb = |f: &Figure| bytes.len() as f64 / f.secs / 1e6;
    let row = |op: &str, f: &[Figure], floor: &str| {
        format!(
            "{:<26} {:>8} {:<4} {:>8.1} {:>8.1} {:>6.2} {:>8.1} {:>10}   {:>9} {:>9} {:>9}",
            if op == "de" { payload.name } else { "" },
            if op == "de" {
                format!("{:.2} MB", bytes.len() as f64 / 1e6)
            } else {
                String::new()
            },
            op,
            mb(&f[0]),
            mb(&f[1]),
            mb(&f[0]) / mb(&f[1]),
            mb(&f[2]),
            floor,
            f[0].allocations,
            f[1].allocations,
            f[2].allocations,
        )
    };
    let f = measure(vec![
        de::<S>(bytes),
        de::<N>(bytes),
        de::<Value>(bytes),
        de::<IgnoredAny>(bytes),
    ]);
    rows.push(row("de", &f, &format!("{:.1}", mb(&f[3]))));
    ratios.push((format!("{} de", payload.name), mb(&f[0]) / mb(&f[1])));
    let f = measure(vec![
        ser(&ours, bytes.len()),
        ser(&theirs, bytes.len()),
        ser(&value, bytes.len()),
    ]);
    rows.push(row("ser", &f, "-"));
    ratios.push((format!("{} ser", payload.name), mb(&f[0]) / mb(&f[1])));
}

fn main() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let users = Payload {
        name: "users (1,000)",
        bytes: page("users", (0..1000).map(|i| user(&mut r, i)).collect()),
    };
    let objects = Payload {
        name: "directoryObjects (1,000)",
        bytes: page(
            "directoryObjects",
            (0..1000).map(|i| directory_object(&mut r, i)).collect(),
        ),
    };
    let messages = Payload {
        name: "messages (500)",
        bytes: page(
            "users('x')/messages",
            (0..500).map(|_| message(&mut r)).collect(),
        ),
    };

    println!(
        "serde speed: doc2rs (runtime::Model) vs serde derive (naive crate, same IR); MB/s of the payload's compact JSON, best of {} samples; allocations per call",
        samples()
    );
    println!(
        "{:<26} {:>8} {:<4} {:>8} {:>8} {:>6} {:>8} {:>10}   {:>9} {:>9} {:>9}",
        "payload",
        "size",
        "op",
        "doc2rs",
        "derive",
        "ratio",
        "Value",
        "IgnoredAny",
        "allocs:",
        "derive",
        "Value"
    );
    println!("{:<76} {:>9}", "", "doc2rs");
    let mut rows = Vec::new();
    let mut ratios = Vec::new();
    run::<Collection<sdk::User>, Page<naive::User>>(&users, &mut rows, &mut ratios);
    run::<Collection<sdk::AnyDirectoryObject>, Page<DirectoryObject>>(
        &objects,
        &mut rows,
        &mut ratios,
    );
    run::<Collection<sdk::Message>, Page<naive::Message>>(&messages, &mut rows, &mut ratios);
    for row in rows {
        println!("{row}");
    }
    let low: Vec<String> = ratios
        .iter()
        .filter(|(_, r)| *r < 0.8)
        .map(|(name, r)| format!("{name} {r:.2}"))
        .collect();
    println!(
        "doc2rs/derive >= 0.8 everywhere: {}",
        if low.is_empty() {
            "yes".to_string()
        } else {
            format!("no ({})", low.join(", "))
        }
    );
}
