//! The dashboard's one page, shared by the live dashboard and the HTML report: the
//! template (`assets/page.html`) with the chart library, the styles and the script inlined,
//! and the data block filled (the report) or left `null` (the live page, which reads
//! `/events`). Everything is compiled into the binary: the page never loads anything from
//! the network and opens from `file://`.

use serde_json::Value;

const TEMPLATE: &str = include_str!("assets/page.html");
const UPLOT_CSS: &str = include_str!("assets/vendor/uPlot.min.css");
const UPLOT_JS: &str = include_str!("assets/vendor/uPlot.iife.min.js");
const APP_CSS: &str = include_str!("assets/app.css");
const FORMAT_JS: &str = include_str!("assets/format.js");
const APP_JS: &str = include_str!("assets/app.js");

/// The template's data block; `null` is what the live page keeps.
const DATA_BLOCK: &str = r#"<script id="rk6-data" type="application/json">null</script>"#;

/// The page, with `data` embedded (a report) or none (the live dashboard).
pub fn render(data: Option<&Value>) -> String {
    let mut page = String::with_capacity(TEMPLATE.len() + UPLOT_JS.len() + APP_JS.len() + 4096);
    for line in TEMPLATE.split_inclusive('\n') {
        match line.trim() {
            "/*RK6_UPLOT_CSS*/" => push_line(&mut page, UPLOT_CSS),
            "/*RK6_APP_CSS*/" => push_line(&mut page, APP_CSS),
            "//RK6_UPLOT_JS" => push_line(&mut page, UPLOT_JS),
            "//RK6_FORMAT_JS" => push_line(&mut page, FORMAT_JS),
            "//RK6_APP_JS" => push_line(&mut page, APP_JS),
            _ => page.push_str(line),
        }
    }
    match data {
        Some(d) => page.replacen(
            DATA_BLOCK,
            &DATA_BLOCK.replace("null", &embeddable_json(d)),
            1,
        ),
        None => page,
    }
}

fn push_line(page: &mut String, text: &str) {
    page.push_str(text);
    if !text.ends_with('\n') {
        page.push('\n');
    }
}

/// JSON text that cannot end the `<script>` element it sits in: every `<` is escaped
/// (`\u003c` reads back as the same string).
pub fn embeddable_json(v: &Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_report_embeds_its_data_and_every_asset() {
        let page = render(Some(&json!({"title": "</script><b>x</b>"})));
        assert!(!page.contains("RK6_"), "every marker was replaced");
        assert!(page.contains(r#"{"title":"\u003c/script>\u003cb>x\u003c/b>"}"#));
        assert!(!page.contains(DATA_BLOCK), "the data block was filled");
        assert!(page.contains("uPlot"));
    }

    #[test]
    fn the_live_page_keeps_a_null_data_block() {
        assert!(render(None).contains(DATA_BLOCK));
    }

    #[test]
    fn no_asset_can_close_its_script_element_early() {
        for asset in [UPLOT_JS, FORMAT_JS, APP_JS] {
            assert!(!asset.to_ascii_lowercase().contains("</script"));
        }
    }
}
