import en from "./en.json"
import ko from "./ko.json"

/** Merged into the dashboard's own translations (i18next resources, namespace "translation"). */
export default {
  en: { translation: en },
  ko: { translation: ko },
}
