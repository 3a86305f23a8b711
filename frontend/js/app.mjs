// Redress: start GOV.UK Frontend components, and start them again in content
// that htmx swaps into the page. Loaded as <script type="module">, so browsers
// too old for GOV.UK Frontend's JavaScript skip it and the page works without.
import {
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios,
  ServiceNavigation,
  SkipLink,
  Tabs,
  createAll,
  initAll,
  isSupported
} from './govuk-frontend.min.js'

const components = [
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios,
  ServiceNavigation,
  SkipLink,
  Tabs
]

initAll()

/**
 * Start the components in (and on) an element htmx has just put in the page.
 * `createAll(Component, config, { scope })` only looks inside the scope, so the
 * swapped element itself (an `outerHTML` swap of a component) is handled here
 * too. Elements already started carry `data-<module>-init` and are skipped, so
 * running this more than once on the same content is harmless.
 * @param {Element} root
 */
function initWithin (root) {
  if (!(root instanceof HTMLElement) || !isSupported()) return
  for (const Component of components) {
    const name = Component.moduleName
    if (root.matches(`[data-module="${name}"]:not([data-${name}-init])`)) {
      try {
        new Component(root) // eslint-disable-line no-new
      } catch (error) {
        console.log(error)
      }
    }
    if (root.querySelector(`[data-module="${name}"]:not([data-${name}-init])`)) {
      createAll(Component, undefined, {
        scope: root,
        onError (error, context) {
          // Elements started earlier in this scope are not an error
          if (!context.element?.hasAttribute(`data-${name}-init`)) console.log(error)
        }
      })
    }
  }
}

if (window.htmx) {
  // htmx:load fires on every element htmx adds to the page (whatever the swap
  // style), after the swap has settled. htmx:afterSwap covers the swap target.
  document.addEventListener('htmx:load', (event) => initWithin(event.target))
  document.addEventListener('htmx:afterSwap', (event) => initWithin(event.detail?.target))
}
