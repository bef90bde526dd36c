import { hrefFor } from '../../lib/router';
import { TEMPLATES } from './templates';

/** The mission templates as cards; "Use template" opens the editor filled from it. */
export function TemplateCards({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby="templates-heading">
      <Heading id="templates-heading">Start from a template</Heading>
      <ul className="template-cards">
        {TEMPLATES.map((t) => (
          <li key={t.id} className="template-card">
            <p className="template-title">{t.title}</p>
            <p className="muted small">{t.blurb}</p>
            <a className="button" href={hrefFor({ page: 'mission-new', template: t.id })} aria-label={`Use template: ${t.title}`}>
              Use template
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
