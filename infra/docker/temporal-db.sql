-- auto-setup creates its schemas itself; the databases must exist and belong to the application role.
CREATE DATABASE temporal OWNER courseimport;
CREATE DATABASE temporal_visibility OWNER courseimport;
