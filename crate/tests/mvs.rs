//! MVS scenarios written in the text language of `tests/graph/mvs.txt` (SPEC C): build lists,
//! minimal requirement lists and requirement-chain errors.

use modscope::graph::mvs::{self, ModuleError, Reqs};
use modscope::graph::{Mv, Names, VerId};
use std::collections::HashMap;
use std::path::PathBuf;

fn data() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/graph/mvs.txt");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("reading {}: {e}", p.display()))
}

type Key = (String, String);

#[derive(Default)]
struct Table {
    reqs: HashMap<Key, Result<Vec<Key>, String>>,
}

fn split(tok: &str) -> Key {
    let (p, v) = tok.split_at(1);
    (p.to_string(), v.to_string())
}

impl Reqs for Table {
    fn required(&mut self, names: &mut Names, m: Mv) -> Result<Vec<Mv>, ModuleError> {
        let key = (
            names.path_str(m.path).to_string(),
            names.ver_str(m.ver).to_string(),
        );
        match self.reqs.get(&key) {
            None => Ok(Vec::new()),
            Some(Err(msg)) => Err(ModuleError::new(key.0.clone(), key.1.clone(), msg.clone())),
            Some(Ok(list)) => Ok(list.iter().map(|(p, v)| names.mv(p, v)).collect()),
        }
    }
}

fn show(names: &Names, list: &[Mv]) -> String {
    list.iter()
        .map(|m| format!("{}{}", names.path_str(m.path), names.ver_str(m.ver)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn scenarios() {
    let text = data();
    let mut table = Table::default();
    let mut name = String::new();
    let mut checks = 0;
    for (lineno, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (head, rest) = line.split_once(':').expect("every line has a colon");
        let rest = rest.trim();
        let words: Vec<&str> = head.split_whitespace().collect();
        let ctx = format!("{name} (line {})", lineno + 1);
        match words.as_slice() {
            ["name"] => {
                name = rest.to_string();
                table = Table::default();
            }
            ["build", target] => {
                let mut names = Names::new(|a, b| a.cmp(b));
                let t = names.mv(target, "");
                let got = mvs::build_list(&mut names, &[t], &mut table)
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert_eq!(show(&names, &got), rest, "{ctx}");
                checks += 1;
            }
            ["error", target] => {
                let mut names = Names::new(|a, b| a.cmp(b));
                let t = names.mv(target, "");
                let got = mvs::build_list(&mut names, &[t], &mut table)
                    .expect_err(&ctx)
                    .to_string();
                let want = rest.replace("\\n", "\n").replace("\\t", "\t");
                assert_eq!(got, want, "{ctx}");
                checks += 1;
            }
            ["req", target, base @ ..] => {
                let mut names = Names::new(|a, b| a.cmp(b));
                let t = names.mv(target, "");
                let base: Vec<_> = base.iter().map(|p| names.path(p)).collect();
                let got = mvs::req(&mut names, t, &base, &mut table)
                    .unwrap_or_else(|e| panic!("{ctx}: {e}"));
                assert_eq!(show(&names, &got), rest, "{ctx}");
                checks += 1;
            }
            [module] => {
                let key = split(module);
                let val = if let Some(msg) = rest.strip_prefix('!') {
                    Err(msg.to_string())
                } else {
                    Ok(rest.split_whitespace().map(split).collect())
                };
                table.reqs.insert(key, val);
            }
            _ => panic!("{ctx}: cannot parse {line:?}"),
        }
    }
    assert!(checks >= 15, "only {checks} checks ran");
}

#[test]
fn graph_queries() {
    let mut names = Names::new(|a, b| a.cmp(b));
    let a = names.mv("A", "");
    let b1 = names.mv("B", "1");
    let c1 = names.mv("C", "1");
    let b2 = names.mv("B", "2");
    let mut g = mvs::Graph::new(&names, &[a]);
    assert!(g.require(&names, a, vec![b1, c1]));
    assert!(!g.require(&names, a, vec![]), "requirements are set once");
    assert!(
        !g.require(&names, b2, vec![]),
        "unreachable nodes are refused"
    );
    assert!(g.require(&names, c1, vec![b2]));
    assert_eq!(g.selected(b1.path), b2.ver);
    assert_eq!(g.selected(names.path("Z")), VerId::NONE);
    let mut order = Vec::new();
    g.walk_breadth_first(|m| order.push(names.display(m)));
    assert_eq!(order, ["A", "B@1", "C@1", "B@2"]);
    let path = g.find_path(|m| m == b2);
    assert_eq!(show(&names, &path), "A C1 B2");
    assert_eq!(g.required_by(b1), None);
}
