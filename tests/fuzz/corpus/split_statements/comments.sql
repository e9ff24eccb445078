-- a comment; with a semicolon
/* nested /* block */ comment; */ SELECT 'it''s';
SELECT E'\';
