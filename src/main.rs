use clap::Parser;

fn main() {
    dotenvy::dotenv().ok();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    if let Err(message) = lienthong::cli::run(lienthong::cli::Cli::parse()) {
        eprintln!("lienthong: {message}");
        std::process::exit(1);
    }
}
