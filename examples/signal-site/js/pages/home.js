// Home: the catalog in one call (site, six platforms, four services), then the latest posts.
import { get } from "../api.js";
import { h, fill } from "../dom.js";
import { frame, site, articleCard, showError } from "../site.js";

const platforms = document.getElementById("platforms-list");
const services = document.getElementById("services");
const latest = document.getElementById("latest");
const tagline = document.getElementById("ecosystem");

async function catalog() {
  try {
    const { data } = await get("/v1/catalog");
    tagline.textContent = data.site.tagline;
    tagline.hidden = data.site.tagline === "";
    fill(
      platforms,
      data.platforms.map((platform) =>
        h("li", { class: "platform" },
          h("h3", {}, platform.name),
          h("p", { class: "focus" }, platform.focus),
          h("p", { class: "tagline" }, platform.tagline),
          platform.services.length
            ? h("p", { class: "delivers" }, "Part of ", platform.services.map((service, index) => [
                index ? ", " : "",
                service.title,
              ]))
            : null,
        ),
      ),
    );
    fill(
      services,
      data.services.map((service) =>
        h("li", { class: "service" },
          h("h3", {}, service.title),
          h("p", { class: "subtitle" }, service.subtitle),
          service.platforms.length
            ? h("p", { class: "delivers" }, "With ", service.platforms.map((platform) => platform.name).join(", "))
            : null,
        ),
      ),
    );
  } catch (error) {
    showError(platforms, error, "the platforms");
    fill(services);
  }
}

async function posts() {
  try {
    const [{ data }, settings] = await Promise.all([get("/v1/articles", { limit: 3 }), site()]);
    fill(latest, data.map((article) => articleCard(article, settings)));
  } catch (error) {
    showError(latest, error, "the latest posts");
  }
}

frame();
await Promise.all([catalog(), posts()]);
document.body.dataset.ready = "true";
