//! The command line: `serve` (default), `migrate`, `openapi`, `user create`.

use crate::auth::password::password_problem;
use crate::auth::Role;
use crate::config::Settings;
use crate::db::Database;
use crate::startup::Application;
use clap::{Parser, Subcommand};
use std::io::BufRead;

/// lienthong — administrative procedures of Party agencies, as a REST API.
#[derive(Debug, Parser)]
#[command(name = "lienthong", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve the API (the default).
    Serve {
        /// Seed the demo province first when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Fill the database: the demo province, or synthetic data at scale.
    Seed {
        /// The demo province of Bình Dương (into an empty database).
        #[arg(long, conflicts_with = "synthetic")]
        demo: bool,
        /// N synthetic dossiers over agencies, procedures and months.
        #[arg(long, value_name = "N", required_unless_present = "demo")]
        synthetic: Option<u64>,
        /// First year of the synthetic dossiers.
        #[arg(long, default_value_t = 2024)]
        from: i32,
        /// Last year of the synthetic dossiers.
        #[arg(long, default_value_t = 2025)]
        to: i32,
        /// Random seed, for repeatable data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document to stdout.
    Openapi,
    /// Measure a release build: load synthetic dossiers into fresh databases,
    /// serve them, and print throughput, latency and memory figures.
    Bench {
        /// Synthetic dossiers to load.
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: u64,
        /// Engines: sqlite, postgres or both.
        #[arg(long, default_value = "both")]
        engine: String,
        /// PostgreSQL server to create the benchmark database on.
        #[arg(long, env = "LIENTHONG_TEST_POSTGRES_URL")]
        postgres_url: Option<String>,
        /// Concurrent clients.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Seconds per measured operation.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
        /// Folder for the SQLite benchmark file.
        #[arg(long, default_value = "data")]
        data_dir: std::path::PathBuf,
    },
    /// Manage users.
    User {
        /// The user action.
        #[command(subcommand)]
        action: UserCommand,
    },
}

/// User actions.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from the first line of stdin.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role: admin, leader, officer, inspector or integration.
        #[arg(long)]
        role: Role,
        /// Agency id (leader, officer, integration).
        #[arg(long)]
        agency: Option<i64>,
    },
}

/// Runs the command line; the error is one line for the operator.
pub fn run(cli: Cli) -> Result<(), String> {
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    match command {
        Command::Openapi => {
            print!("{}", crate::openapi::spec_json());
            return Ok(());
        }
        Command::Bench {
            dossiers,
            engine,
            postgres_url,
            clients,
            seconds,
            data_dir,
        } => {
            let (sqlite, postgres) = match engine.as_str() {
                "sqlite" => (true, false),
                "postgres" => (false, true),
                "both" => (true, true),
                other => {
                    return Err(format!(
                        "--engine must be sqlite, postgres or both, not {other}"
                    ))
                }
            };
            if postgres && postgres_url.is_none() {
                return Err(
                    "--postgres-url (or LIENTHONG_TEST_POSTGRES_URL) is needed for PostgreSQL"
                        .into(),
                );
            }
            return crate::bench::run(&crate::bench::BenchOptions {
                dossiers,
                sqlite,
                postgres: postgres_url.filter(|_| postgres),
                clients,
                seconds,
                data_dir,
            });
        }
        _ => {}
    }
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    match command {
        Command::Openapi | Command::Bench { .. } => unreachable!("handled above"),
        Command::Serve { demo } => {
            if demo {
                let db = Database::open(&settings.database, 2).map_err(|e| e.to_string())?;
                db.migrate().map_err(|e| e.to_string())?;
                println!("{}", crate::seed::demo::run(&db, &settings)?);
            }
            serve(settings)
        }
        Command::Seed {
            demo,
            synthetic,
            from,
            to,
            seed,
        } => {
            let db = Database::open(&settings.database, 4).map_err(|e| e.to_string())?;
            db.migrate().map_err(|e| e.to_string())?;
            let report = match synthetic {
                Some(dossiers) if !demo => crate::seed::synthetic::run(
                    &db,
                    &settings,
                    &crate::seed::synthetic::SyntheticOptions {
                        dossiers,
                        from_year: from,
                        to_year: to,
                        seed,
                    },
                )?,
                _ => crate::seed::demo::run(&db, &settings)?,
            };
            println!("{report}");
            Ok(())
        }
        Command::Migrate => {
            let db = Database::open(&settings.database, 1).map_err(|e| e.to_string())?;
            db.migrate().map_err(|e| e.to_string())?;
            println!("migrations applied");
            Ok(())
        }
        Command::User {
            action:
                UserCommand::Create {
                    username,
                    role,
                    agency,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            if let Some(problem) = password_problem(&password) {
                return Err(format!("password {problem}"));
            }
            let db = Database::open(&settings.database, 1).map_err(|e| e.to_string())?;
            db.migrate().map_err(|e| e.to_string())?;
            let user = db
                .write(|conn| {
                    let operator = crate::audit::Actor {
                        username: Some("cli".into()),
                        ..Default::default()
                    };
                    crate::routes::users::insert_user(
                        conn,
                        &operator,
                        username.trim().to_lowercase(),
                        &password,
                        role,
                        agency,
                        true,
                    )
                })
                .map_err(|e| e.describe())?;
            println!(
                "created user {} (id {}, role {})",
                user.username, user.id, user.role
            );
            Ok(())
        }
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings.clone()).map_err(|e| e.to_string())?;
        let addr = format!("{}:{}", settings.bind.ip(), app.port());
        println!("lienthong listening on http://{addr}/api/v1");
        println!("Swagger UI: http://{addr}/swagger-ui/");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}
