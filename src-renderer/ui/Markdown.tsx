/**
 * Markdown from the user or an LLM, rendered to React elements (never innerHTML). Raw HTML in the
 * text is dropped, link URLs go through react-markdown's safe-protocol filter, and images are shown
 * as their alt text: remote images would be blocked by the CSP anyway and could track reading.
 */
import ReactMarkdown, { type Components } from 'react-markdown';

const components: Components = {
  img: ({ alt }) => <span className="md-image">[image{alt ? `: ${alt}` : ''}]</span>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
};

export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
