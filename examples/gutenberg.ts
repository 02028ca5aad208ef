/**
 * The seed's book-search tool, offline: a small bundled slice of the Project Gutenberg catalog
 * standing in for the Gutendex search API (the network is closed), and the tool's spec exactly as
 * the seed defines it. Results have the seed's simplified shape: id, title, authors.
 */
export interface Book {
  id: number;
  title: string;
  authors: { name: string; birth_year: number | null; death_year: number | null }[];
}

const a = (name: string, birth_year: number, death_year: number) => ({ name, birth_year, death_year });
const JOYCE = a('Joyce, James', 1882, 1941);
const AUSTEN = a('Austen, Jane', 1775, 1817);
const DICKENS = a('Dickens, Charles', 1812, 1870);

export const BOOKS: readonly Book[] = [
  { id: 4300, title: 'Ulysses', authors: [JOYCE] },
  { id: 2814, title: 'Dubliners', authors: [JOYCE] },
  { id: 4217, title: 'A Portrait of the Artist as a Young Man', authors: [JOYCE] },
  { id: 1342, title: 'Pride and Prejudice', authors: [AUSTEN] },
  { id: 158, title: 'Emma', authors: [AUSTEN] },
  { id: 161, title: 'Sense and Sensibility', authors: [AUSTEN] },
  { id: 1400, title: 'Great Expectations', authors: [DICKENS] },
  { id: 98, title: 'A Tale of Two Cities', authors: [DICKENS] },
  { id: 46, title: 'A Christmas Carol in Prose; Being a Ghost Story of Christmas', authors: [DICKENS] },
  { id: 2701, title: 'Moby Dick; Or, The Whale', authors: [a('Melville, Herman', 1819, 1891)] },
  { id: 84, title: 'Frankenstein; Or, The Modern Prometheus', authors: [a('Shelley, Mary Wollstonecraft', 1797, 1851)] },
  { id: 11, title: "Alice's Adventures in Wonderland", authors: [a('Carroll, Lewis', 1832, 1898)] },
  { id: 1661, title: 'The Adventures of Sherlock Holmes', authors: [a('Doyle, Arthur Conan', 1859, 1930)] },
  { id: 2600, title: 'War and Peace', authors: [a('Tolstoy, Leo, graf', 1828, 1910)] },
];

/** Every word of every search term must appear in the title or an author's name (Gutendex's `search=`). */
export function searchGutenbergBooks(searchTerms: readonly string[]): Book[] {
  const words = searchTerms.flatMap((t) => t.toLowerCase().split(/[\s,]+/)).filter(Boolean);
  return BOOKS.filter((b) => {
    const hay = `${b.title} ${b.authors.map((x) => x.name).join(' ')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The seed's tool spec (name, description, JSON Schema), as the model sees it. */
export const SEARCH_GUTENBERG_BOOKS = {
  name: 'search_gutenberg_books',
  description: 'Search for books in the Project Gutenberg library based on specified search terms',
  parameters: {
    type: 'object',
    properties: {
      search_terms: {
        type: 'array',
        items: { type: 'string' },
        description: "List of search terms to find books in the Gutenberg library (e.g. ['dickens', 'great'] to search for books by Dickens with 'great' in the title)",
      },
    },
    required: ['search_terms'],
  },
};

/** The seed's first messages. */
export const SEED_MESSAGES = [
  { role: 'system' as const, content: 'You are a helpful assistant.' },
  { role: 'user' as const, content: 'What are the titles of some James Joyce books?' },
];
