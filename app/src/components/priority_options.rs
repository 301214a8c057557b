//! The `<option>`s of every priority `<select>` (the new-task form, a task's editor, the board's
//! filter), made from the model's one list of priorities and their wire words.
use leptos::prelude::*;
use ticklist::model::Priority;

/// What a person reads for a priority.
fn label(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::Medium => "Medium",
        Priority::High => "High",
    }
}

/// `blank` first when given (the value `""`: "any", or "the default"), then every priority, the most
/// urgent first.
#[component]
pub fn PriorityOptions(#[prop(optional)] blank: Option<&'static str>) -> impl IntoView {
    view! {
        {blank.map(|text| view! { <option value="">{text}</option> })}
        {Priority::ALL.iter().rev().map(|&priority| view! { <option value=priority.as_str()>{label(priority)}</option> }).collect_view()}
    }
}
