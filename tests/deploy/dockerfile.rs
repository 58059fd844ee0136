//! deploy/Dockerfile: multi-stage, non-root, healthcheck, built by the same
//! script as CI.

use crate::support::read;

/// One instruction: keyword (upper case) and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Instruction {
    keyword: String,
    arguments: String,
}

/// Instructions with continuation lines joined and comments dropped.
fn instructions(dockerfile: &str) -> Vec<Instruction> {
    let mut logical = Vec::new();
    let mut current = String::new();
    for line in dockerfile.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                logical.push(std::mem::take(&mut current));
            }
        }
    }
    assert!(current.is_empty(), "Dockerfile ends inside a continuation");
    logical
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let (keyword, arguments) = line.split_once(char::is_whitespace).unwrap_or((&line, ""));
            Instruction {
                keyword: keyword.to_ascii_uppercase(),
                arguments: arguments.split_whitespace().collect::<Vec<_>>().join(" "),
            }
        })
        .collect()
}

/// Stages: the instructions from each FROM up to the next.
fn stages(instructions: &[Instruction]) -> Vec<&[Instruction]> {
    let starts: Vec<usize> = instructions
        .iter()
        .enumerate()
        .filter(|(_, instruction)| instruction.keyword == "FROM")
        .map(|(index, _)| index)
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            let end = starts.get(n + 1).copied().unwrap_or(instructions.len());
            &instructions[start..end]
        })
        .collect()
}

fn dockerfile() -> Vec<Instruction> {
    instructions(&read("deploy/Dockerfile"))
}

fn last<'a>(stage: &'a [Instruction], keyword: &str) -> Option<&'a Instruction> {
    stage
        .iter()
        .rev()
        .find(|instruction| instruction.keyword == keyword)
}

#[test]
fn parser_joins_continuations_and_skips_comments() {
    let parsed = instructions("# c\nFROM a AS b\nRUN x \\\n  # inner\n    y\n\nUSER 1\n");
    assert_eq!(
        parsed
            .iter()
            .map(|i| i.keyword.as_str())
            .collect::<Vec<_>>(),
        ["FROM", "RUN", "USER"]
    );
    assert_eq!(parsed[1].arguments, "x y");
    assert_eq!(stages(&parsed).len(), 1);
}

#[test]
fn dockerfile_is_multi_stage_and_builds_with_the_ci_script() {
    let instructions = dockerfile();
    let stages = stages(&instructions);
    assert!(stages.len() >= 2, "expected a build and a runtime stage");
    let builder = stages[0][0].arguments.to_ascii_lowercase();
    assert!(builder.starts_with("rust:"), "builder image {builder}");
    let builder_name = builder
        .split(" as ")
        .nth(1)
        .expect("the build stage is named")
        .trim()
        .to_owned();
    assert!(
        stages[0]
            .iter()
            .any(|i| i.keyword == "RUN" && i.arguments.contains("bash deploy/build-release.sh")),
        "the build stage must run deploy/build-release.sh"
    );
    let runtime = stages.last().expect("runtime stage");
    let base = &runtime[0].arguments;
    assert!(
        base.starts_with("debian:") || base.starts_with("gcr.io/distroless/"),
        "runtime base {base}"
    );
    assert!(
        runtime.iter().any(|i| i.keyword == "COPY"
            && i.arguments.starts_with(&format!("--from={builder_name} "))
            && i.arguments.contains("signup-reactor")),
        "runtime must copy the binary from the {builder_name} stage"
    );
}

#[test]
fn runtime_stage_runs_as_non_root_with_healthcheck_and_entrypoint() {
    let instructions = dockerfile();
    let stages = stages(&instructions);
    let runtime = stages.last().expect("runtime stage");
    let user = last(runtime, "USER").expect("runtime stage sets USER");
    let name = user.arguments.split(':').next().unwrap_or("");
    assert!(
        !name.is_empty() && name != "root" && name != "0",
        "runtime user {name:?} must not be root"
    );
    let healthcheck = last(runtime, "HEALTHCHECK").expect("HEALTHCHECK");
    assert!(
        healthcheck
            .arguments
            .contains(r#"CMD ["signup-reactor", "healthcheck""#),
        "HEALTHCHECK must run `signup-reactor healthcheck`: {}",
        healthcheck.arguments
    );
    let expose = last(runtime, "EXPOSE").expect("EXPOSE");
    assert!(
        expose
            .arguments
            .split(' ')
            .any(|port| port == "8080" || port == "8080/tcp")
    );
    assert_eq!(
        last(runtime, "ENTRYPOINT").expect("ENTRYPOINT").arguments,
        r#"["signup-reactor"]"#
    );
    assert_eq!(last(runtime, "CMD").expect("CMD").arguments, r#"["serve"]"#);
}

#[test]
fn the_image_label_says_what_the_reactor_promises() {
    let text = read("deploy/Dockerfile");
    assert!(
        text.contains("exactly one verification email per accepted signup"),
        "the image description must match the reactor's promise"
    );
    assert!(!text.contains("per contact\""), "a stale image description");
    // Each rule hadolint is told to skip carries its reason just above it.
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        if line.contains("hadolint ignore=") {
            let reason = index.checked_sub(1).map(|i| lines[i]).unwrap_or("");
            assert!(
                reason.trim_start().starts_with('#') && reason.len() > 20,
                "line {}: a hadolint ignore without its reason",
                index + 1
            );
        }
    }
}
