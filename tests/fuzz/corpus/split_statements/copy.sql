COPY users (id, name) FROM stdin;
1	Ada
\.
SELECT 1;
