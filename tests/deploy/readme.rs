//! The configuration table of README.md: the one list of variable names the
//! deployment files are checked against.

use crate::support::read;

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub required: bool,
}

/// Variables whose values are secrets (README "Security notes").
pub const SECRET_VARIABLES: [&str; 3] = [
    "HUBSPOT_CLIENT_SECRET",
    "HUBSPOT_ACCESS_TOKEN",
    "SIGNUP_API_TOKEN",
];

/// The rows of the README's configuration table.
pub fn configuration_variables() -> Vec<Variable> {
    let variables = parse_configuration_table(&read("README.md"));
    assert!(
        variables.len() >= 15,
        "README configuration table looks truncated: {variables:?}"
    );
    variables
}

/// Just the names.
pub fn configuration_names() -> Vec<String> {
    configuration_variables()
        .into_iter()
        .map(|variable| variable.name)
        .collect()
}

/// Parses the first Markdown table under `## Configuration`.
pub fn parse_configuration_table(markdown: &str) -> Vec<Variable> {
    let section = section(markdown, "## Configuration");
    let rows: Vec<&str> = section
        .lines()
        .map(str::trim)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .collect();
    assert!(rows.len() > 2, "no table under ## Configuration");
    // rows[0] is the header, rows[1] the |---| separator.
    assert!(
        rows[1].chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')),
        "second table row is not a separator: {}",
        rows[1]
    );
    rows[2..].iter().map(|row| parse_row(row)).collect()
}

fn parse_row(row: &str) -> Variable {
    let cells: Vec<String> = row
        .replace("\\|", "")
        .trim_matches('|')
        .split('|')
        .map(|cell| cell.trim().to_owned())
        .collect();
    assert_eq!(
        cells.len(),
        3,
        "expected variable | meaning | default: {row}"
    );
    let name = cells[0].trim_matches('`').to_owned();
    assert!(
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
        "not a variable name: {:?}",
        cells[0]
    );
    Variable {
        name,
        required: cells[2].to_ascii_lowercase().contains("required"),
    }
}

/// The text from `heading` to the next heading of the same level.
pub fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("no {heading:?} heading"))
        + heading.len()
        + 2;
    let rest = &markdown[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn parser_reads_names_and_required_markers_and_stops_at_the_table_end() {
    let markdown = "# x\n\n## Configuration\n\nText.\n\n| variable | meaning | default |\n\
                    |---|---|---|\n| `A_B` | a \\| b | `1` |\n| `C2` | c | *required* |\n\n\
                    | `NOT_THIS` | x | y |\n\n## Other\n| `NOR_THIS` | x | y |\n";
    assert_eq!(
        parse_configuration_table(markdown),
        vec![
            Variable {
                name: "A_B".into(),
                required: false
            },
            Variable {
                name: "C2".into(),
                required: true
            },
        ]
    );
}

#[test]
fn readme_table_has_the_variables_serve_needs() {
    let variables = configuration_variables();
    let required: Vec<&str> = variables
        .iter()
        .filter(|variable| variable.required)
        .map(|variable| variable.name.as_str())
        .collect();
    for name in SECRET_VARIABLES {
        assert!(required.contains(&name), "{name} not required in README");
    }
    for name in ["HUBSPOT_PORTAL_ID", "LISTEN_ADDR", "REDIS_URL"] {
        assert!(
            variables.iter().any(|variable| variable.name == name),
            "{name} missing from README table"
        );
    }
    let readme = read("README.md");
    let security = section(&readme, "## Security notes");
    for name in SECRET_VARIABLES {
        assert!(
            security.contains(&format!("`{name}`")),
            "README security notes do not name {name} as a secret"
        );
    }
}
