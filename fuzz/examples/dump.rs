fn main() {
    let f = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&f).unwrap();
    let pages = doc2rs_fuzz::props::split_pages(&text);
    let o = doc2rs_fuzz::props::run(&pages).unwrap();
    for (p, t) in &o.files {
        if p.ends_with(".rs") {
            let out = format!("/tmp/fz/dump/{}", p.replace('/', "_"));
            std::fs::create_dir_all("/tmp/fz/dump").unwrap();
            std::fs::write(out, t).unwrap();
        }
    }
}
