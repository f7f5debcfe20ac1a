//! The scenario library, built into the binary: every file of the
//! repository's `scenarios/` folder, byte for byte, under its file stem.
//! Wherever a command takes a scenario file, a library name works too
//! (`hustle-sim run gpt-store-assistant`) when no file of that name exists,
//! so the library is at hand from any folder once the tool is installed;
//! `hustle-sim new --from NAME FILE` copies one out to edit.

/// Every library scenario: its name (the file stem) and its text.
pub const LIBRARY: [(&str, &str); 10] = [
    (
        "ai-content-writing-upwork",
        include_str!("../../scenarios/ai-content-writing-upwork.toml"),
    ),
    (
        "ai-stock-images",
        include_str!("../../scenarios/ai-stock-images.toml"),
    ),
    (
        "ai-tech-newsletter",
        include_str!("../../scenarios/ai-tech-newsletter.toml"),
    ),
    (
        "ai-workflow-consulting",
        include_str!("../../scenarios/ai-workflow-consulting.toml"),
    ),
    (
        "data-annotation-studio",
        include_str!("../../scenarios/data-annotation-studio.toml"),
    ),
    (
        "ecommerce-copy-service",
        include_str!("../../scenarios/ecommerce-copy-service.toml"),
    ),
    (
        "gpt-store-assistant",
        include_str!("../../scenarios/gpt-store-assistant.toml"),
    ),
    (
        "niche-saas-tool",
        include_str!("../../scenarios/niche-saas-tool.toml"),
    ),
    (
        "online-course-marketplace",
        include_str!("../../scenarios/online-course-marketplace.toml"),
    ),
    (
        "translation-localisation",
        include_str!("../../scenarios/translation-localisation.toml"),
    ),
];

/// Every library portfolio (the repository's `scenarios/portfolios/`): its
/// name (the file stem) and its text. Its hustles are library scenarios.
pub const PORTFOLIOS: [(&str, &str); 2] = [
    (
        "consulting-and-evening-tool",
        include_str!("../../scenarios/portfolios/consulting-and-evening-tool.toml"),
    ),
    (
        "newsletter-and-course",
        include_str!("../../scenarios/portfolios/newsletter-and-course.toml"),
    ),
];

/// The text of the library portfolio `name` (a file stem, with or without
/// `.toml`).
pub fn find_portfolio(name: &str) -> Option<&'static str> {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    PORTFOLIOS
        .iter()
        .find(|(n, _)| *n == stem)
        .map(|(_, text)| *text)
}

/// The text of the library scenario `name` (a file stem, with or without
/// `.toml`).
pub fn find(name: &str) -> Option<&'static str> {
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    LIBRARY
        .iter()
        .find(|(n, _)| *n == stem)
        .map(|(_, text)| *text)
}

/// The library's names, in order, comma-separated.
pub fn names() -> String {
    LIBRARY.map(|(n, _)| n).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_holds_every_file_of_the_scenarios_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = LIBRARY.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, built_in);
        assert!(built_in.is_sorted());
    }

    #[test]
    fn the_library_holds_every_portfolio_of_its_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/portfolios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = PORTFOLIOS.iter().map(|(n, _)| *n).collect();
        assert_eq!(on_disk, built_in);
        for (name, text) in PORTFOLIOS {
            assert_eq!(find_portfolio(name), Some(text));
            assert!(find(name).is_none(), "{name} is not also a scenario");
        }
    }

    #[test]
    fn names_are_found_with_or_without_the_extension() {
        assert_eq!(
            find("niche-saas-tool"),
            Some(super::super::DEFAULT_SCENARIO)
        );
        assert_eq!(
            find("niche-saas-tool.toml"),
            Some(super::super::DEFAULT_SCENARIO)
        );
        assert_eq!(find("no-such-hustle"), None);
        assert_eq!(find("../scenarios/niche-saas-tool"), None);
    }
}
